package io.github.twiliovaultsidecar.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The audit trail: one JSON object per proxied call, denial and admin action on the {@value #LOGGER}
 * logger, starting with its {@code time} (UTC) and {@code event}. {@link io.github.twiliovaultsidecar.masking.MaskedLoggingSystem} writes
 * these lines as they are, one per line, on their own console appender. Paths are logged as templates
 * with SIDs masked ({@code /Accounts/{AC}/Messages/{SM}.json}); no token, header value or body is
 * ever logged.
 */
public final class AuditLog {

	/** Name of the audit logger, so operators can route it to its own appender. */
	public static final String LOGGER = "sidecar.audit";

	/**
	 * Counter of admin API and CLI actions, one per admin audit line, tags {@code action} ({@code seed},
	 * {@code verify}, {@code subaccount-sync}, {@code inventory}…) and {@code outcome} (the line's:
	 * {@code written}, {@code verified}, {@code listed}… or the problem name of a failure, a fixed set).
	 * The Vault display name of the person is an audit-log matter, never a tag.
	 */
	public static final String ADMIN_ACTIONS = "sidecar.admin.actions";

	/**
	 * Counter of audit lines dropped because the writer's queue was full ({@link AuditWriter}); stays
	 * 0 while standard output keeps up.
	 */
	public static final String DROPPED = "sidecar.audit.dropped";

	private final Logger log;

	/** Length of a SID: two capital letters and 32 hex digits. */
	private static final int SID_LENGTH = 34;

	private static final JsonStringEncoder ESCAPE = JsonStringEncoder.getInstance();

	/** The {@code time} member: UTC, milliseconds, always the same width. */
	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX")
		.withZone(ZoneOffset.UTC);

	private final MeterRegistry registry;

	/** An audit log that only writes lines (the CLI, tests). */
	public AuditLog() {
		this(null);
	}

	/**
	 * @param registry where admin actions are also counted ({@value #ADMIN_ACTIONS}),
	 * {@code null} for none
	 */
	public AuditLog(MeterRegistry registry) {
		this(registry, LoggerFactory.getLogger(LOGGER));
	}

	private AuditLog(MeterRegistry registry, Logger log) {
		this.registry = registry;
		this.log = log;
		if (registry != null) {
			FunctionCounter.builder(DROPPED, this, any -> AuditWriter.dropped())
				.description("Audit lines dropped because the audit writer's queue was full")
				.register(registry);
		}
	}

	/**
	 * @return an audit log that writes and counts nothing, for requests the service makes to itself
	 * (the proxy's warm-up), which are no one's action
	 */
	public static AuditLog silent() {
		return new AuditLog(null, NOPLogger.NOP_LOGGER);
	}

	/**
	 * @return the path with every SID (two capital letters and 32 hex digits, not inside a longer
	 * word or hex run) replaced by its two-letter prefix in braces; scanned by hand, as the audit
	 * line is written for every proxied request
	 */
	public static String template(String path) {
		StringBuilder out = null;
		int copied = 0;
		for (int i = 0; i + SID_LENGTH <= path.length(); i++) {
			if (isSidAt(path, i)) {
				out = (out != null) ? out : new StringBuilder(path.length());
				out.append(path, copied, i).append('{').append(path, i, i + 2).append('}');
				i += SID_LENGTH - 1;
				copied = i + 1;
			}
		}
		return (out == null) ? path : out.append(path, copied, path.length()).toString();
	}

	private static boolean isSidAt(String path, int start) {
		if (start > 0 && isLetterOrDigit(path.charAt(start - 1))) {
			return false;
		}
		if (!isCapital(path.charAt(start)) || !isCapital(path.charAt(start + 1))) {
			return false;
		}
		int end = start + SID_LENGTH;
		for (int i = start + 2; i < end; i++) {
			if (!HexFormat.isHexDigit(path.charAt(i))) {
				return false;
			}
		}
		return end == path.length() || !HexFormat.isHexDigit(path.charAt(end));
	}

	private static boolean isCapital(char c) {
		return c >= 'A' && c <= 'Z';
	}

	private static boolean isLetterOrDigit(char c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}

	/** Records one proxied call as the caller saw it. */
	public void proxied(String caller, String account, String region, String method, String path, int status,
			long latencyMillis, long credentialVersion, String traceId) {
		if (this.log.isInfoEnabled()) {
			this.log.info(request("proxy", caller, account, region, method, path).put("status", status)
				.put("latency_ms", latencyMillis)
				.put("credential_version", (credentialVersion > 0) ? credentialVersion : null)
				.put("trace_id", traceId)
				.end());
		}
	}

	/** Records a refused call. */
	public void denied(String caller, String method, String path, String account, String region, String reason) {
		if (this.log.isInfoEnabled()) {
			this.log.info(request("denied", caller, account, region, method, path).put("reason", reason).end());
		}
	}

	/** @return the line of an {@code event} about one caller request, up to its path as a {@link #template} */
	private static Line request(String event, String caller, String account, String region, String method,
			String path) {
		return new Line(event).put("caller", caller)
			.put("account", account)
			.put("region", region)
			.put("method", method)
			.put("path", template(path));
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
		if (this.registry != null) {
			Counter.builder(ADMIN_ACTIONS)
				.description("Admin API and CLI actions by outcome (the person is in the audit line, never a tag)")
				.tag("action", action)
				.tag("outcome", outcome)
				.register(this.registry)
				.increment();
		}
		if (this.log.isInfoEnabled()) {
			Line line = new Line("admin").put("who", who).put("action", action).put("path", path).put("outcome", outcome);
			if (version != null) {
				line.put("version", version);
			}
			if (fingerprint != null) {
				line.put("fingerprint", fingerprint);
			}
			this.log.info(line.end());
		}
	}

	/**
	 * One JSON object written member by member, in a fixed order, with no map or object mapper in
	 * between: the audit line is on every proxied request's path. Strings are escaped by Jackson's
	 * encoder.
	 */
	private static final class Line {

		private final StringBuilder json = new StringBuilder(256);

		Line(String event) {
			this.json.append("{\"time\":\"");
			TIME.formatTo(Instant.ofEpochMilli(System.currentTimeMillis()), this.json);
			this.json.append("\",\"event\":\"").append(event).append('"');
		}

		Line put(String name, Object value) {
			this.json.append(",\"").append(name).append("\":");
			if (value == null) {
				this.json.append("null");
			}
			else if (value instanceof Number) {
				this.json.append(value);
			}
			else {
				this.json.append('"');
				ESCAPE.quoteAsString(value.toString(), this.json);
				this.json.append('"');
			}
			return this;
		}

		String end() {
			return this.json.append('}').toString();
		}

	}

}
