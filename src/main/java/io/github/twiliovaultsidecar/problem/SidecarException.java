package io.github.twiliovaultsidecar.problem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Root of every failure the sidecar reports itself. Each subclass names one stable problem
 * {@link #type() type} and HTTP status; the web layer turns it into an RFC 9457 problem detail.
 * <p>
 * Messages and {@link #context() context} name accounts, regions and paths, never a secret.
 */
public abstract class SidecarException extends RuntimeException {

	/** Prefix of every problem {@code type} this service emits. */
	public static final String TYPE_PREFIX = "urn:twilio-vault-sidecar:problem:";

	/** Context key whose value, in seconds, also becomes a {@code Retry-After} header. */
	public static final String RETRY_AFTER = "retry_after_seconds";

	private final String problem;

	private final int status;

	private final String title;

	private final Map<String, Object> context;

	/**
	 * @param problem stable short name of the failure, e.g. {@code credential-not-found}
	 * @param status the HTTP status it maps to
	 * @param title short human title shared by every instance of the failure
	 * @param message the detail: names accounts, regions and paths, never a secret
	 * @param context extra non-secret members of the problem detail
	 * @param cause the underlying failure, may be {@code null}
	 */
	protected SidecarException(String problem, int status, String title, String message, Map<String, ?> context,
			Throwable cause) {
		super(message, cause);
		this.problem = problem;
		this.status = status;
		this.title = title;
		this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
	}

	/** Stable short name of the failure, e.g. {@code credential-not-found}. */
	public final String problem() {
		return this.problem;
	}

	/** HTTP status the failure maps to. */
	public final int status() {
		return this.status;
	}

	/** Short human title shared by every instance of the failure. */
	public final String title() {
		return this.title;
	}

	/** Full problem type URI: {@link #TYPE_PREFIX} followed by {@link #problem()}. */
	public final String type() {
		return TYPE_PREFIX + problem();
	}

	/** @return seconds for a {@code Retry-After} header, when the failure is worth retrying later */
	public final OptionalLong retryAfterSeconds() {
		return (this.context.get(RETRY_AFTER) instanceof Number n) ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
	}

	/** Extra non-secret members of the problem detail (account, region, path...). */
	public final Map<String, Object> context() {
		return this.context;
	}

}
