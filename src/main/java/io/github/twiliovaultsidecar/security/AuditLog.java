package io.github.twiliovaultsidecar.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail: one JSON line per proxied call and per denial on the {@value #LOGGER} logger.
 * Paths are logged as templates with SIDs masked ({@code /Accounts/{AC}/Messages/{SM}.json}); no
 * token, header value or body is ever logged.
 */
public final class AuditLog {

	/** Name of the audit logger, so operators can route it to its own appender. */
	public static final String LOGGER = "sidecar.audit";

	private static final Logger log = LoggerFactory.getLogger(LOGGER);

	private static final Pattern SID = Pattern.compile("(?<![A-Za-z0-9])([A-Z]{2})[0-9a-fA-F]{32}(?![0-9a-fA-F])");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** @return the path with every SID replaced by its two-letter prefix in braces */
	public static String template(String path) {
		return SID.matcher(path).replaceAll("{$1}");
	}

	/** Records one proxied call as the caller saw it. */
	public void proxied(String caller, String account, String region, String method, String path, int status,
			long latencyMillis, long credentialVersion, String traceId) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("event", "proxy");
		line.put("caller", caller);
		line.put("account", account);
		line.put("region", region);
		line.put("method", method);
		line.put("path", template(path));
		line.put("status", status);
		line.put("latency_ms", latencyMillis);
		line.put("credential_version", (credentialVersion > 0) ? credentialVersion : null);
		line.put("trace_id", traceId);
		write(line);
	}

	/** Records a refused call. */
	public void denied(String caller, String method, String path, String account, String region, String reason) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("event", "denied");
		line.put("caller", caller);
		line.put("account", account);
		line.put("region", region);
		line.put("method", method);
		line.put("path", template(path));
		line.put("reason", reason);
		write(line);
	}

	/**
	 * Records an admin action.
	 * @param who the caller's Vault display name, {@code unknown} before it is known
	 * @param action e.g. {@code seed}, {@code verify}, {@code subaccount-sync}, {@code inventory}
	 * @param path the Vault path acted on
	 * @param outcome e.g. {@code written}, {@code unchanged}, or the problem name of a failure
	 * @param version the KV version written or checked, {@code null} for none
	 * @param fingerprint the secret's fingerprint, {@code null} for none
	 */
	public void admin(String who, String action, String path, String outcome, Long version, String fingerprint) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("event", "admin");
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
		write(line);
	}

	private static void write(Map<String, Object> line) {
		if (log.isInfoEnabled()) {
			log.info(JSON.writeValueAsString(line));
		}
	}

}
