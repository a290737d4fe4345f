package io.github.twiliovaultsidecar.seeding;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * One structured JSON line per admin action on the {@value #LOGGER} logger: who (the Vault display
 * name), action, path, outcome, version and fingerprint. Never a token: callers pass none.
 */
final class AuditLog {

	/** The logger name; route it to the audit sink. */
	static final String LOGGER = "sidecar.audit";

	private static final Logger log = LoggerFactory.getLogger(LOGGER);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * @param who the caller's Vault display name, {@code unknown} before it is known
	 * @param action e.g. {@code seed}, {@code verify}, {@code subaccount-sync}, {@code inventory}
	 * @param path the Vault path acted on
	 * @param outcome e.g. {@code written}, {@code unchanged}, or the problem name of a failure
	 * @param version the KV version written or checked, {@code null} for none
	 * @param fingerprint the secret's fingerprint, {@code null} for none
	 */
	void record(String who, String action, String path, String outcome, Long version, String fingerprint) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("who", who);
		line.put("action", action);
		line.put("path", path);
		line.put("outcome", outcome);
		if (version != null) {
			line.put("version", version);
		}
		if (fingerprint != null) {
			line.put("fingerprint", fingerprint);
		}
		log.info(JSON.writeValueAsString(line));
	}

}
