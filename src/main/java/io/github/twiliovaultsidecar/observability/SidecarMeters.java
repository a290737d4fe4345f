package io.github.twiliovaultsidecar.observability;

import io.github.twiliovaultsidecar.audit.AuditLog;

/**
 * Meter names every feature uses, as one documented contract (docs/observability.md lists them with their
 * tags). Tags are always bounded: never an Account SID, a key SID, a path, a host name or anything
 * secret. Prometheus names add {@code _total}, {@code _seconds} and so on to these.
 */
public final class SidecarMeters {

	/**
	 * Timer of every Vault HTTP call (latency and errors), tags {@code method}, {@code uri} (the
	 * template, never the secret path), {@code status}, {@code outcome}, {@code exception},
	 * {@code client.name} (the Vault host).
	 */
	public static final String VAULT_REQUESTS = "sidecar.vault.requests";

	/** Counter, tag {@code result}: {@code hit} or {@code miss}. */
	public static final String CACHE_REQUESTS = "sidecar.credentials.cache.requests";

	/** Counter, tag {@code result}: {@code unchanged}, {@code changed}, {@code served-stale}, {@code failed}. */
	public static final String CACHE_REFRESHES = "sidecar.credentials.cache.refreshes";

	/** Gauge (seconds): how long ago the oldest cached credential was last confirmed with Vault. */
	public static final String CACHE_MAX_AGE = "sidecar.credentials.cache.max.age";

	/** Gauge: how many credentials are cached. */
	public static final String CACHE_SIZE = "sidecar.credentials.cache.size";

	/**
	 * Counter of webhook signature checks, tags {@code result}, {@code route} and {@code version}
	 * (see {@code webhook.WebhookValidator}).
	 */
	public static final String WEBHOOK_VALIDATIONS = "sidecar.webhook.validations";

	/** Counter of admin API and CLI actions, tags {@code action} and {@code outcome}: see {@link AuditLog#ADMIN_ACTIONS}. */
	public static final String ADMIN_ACTIONS = AuditLog.ADMIN_ACTIONS;

	private SidecarMeters() {
	}

}
