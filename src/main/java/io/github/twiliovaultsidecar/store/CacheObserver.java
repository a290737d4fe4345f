package io.github.twiliovaultsidecar.store;

import java.util.concurrent.Callable;

import reactor.core.publisher.Mono;

/**
 * What a {@link CredentialCache} reports, for metrics and tracing; {@link #NONE} ignores it all.
 * Methods get no key and no credential, so an implementation cannot leak an account or a secret
 * into a metric by accident. They run on the caller's thread and must not block.
 */
public interface CacheObserver {

	/** Reports nothing and runs Vault calls as they are. */
	CacheObserver NONE = new CacheObserver() {
	};

	/** A credential was served from memory without asking Vault. */
	default void hit() {
	}

	/**
	 * No credential was cached: it is read from Vault, or taken from a read another caller already
	 * started (one read per credential at a time), so misses can outnumber Vault reads.
	 */
	default void miss() {
	}

	/**
	 * A cached credential was checked with Vault: in the background from the last fifth of its refresh
	 * interval on, or with callers waiting once the interval has passed.
	 * @param outcome what the check found
	 */
	default void refreshed(Refresh outcome) {
	}

	/**
	 * Wraps one blocking Vault call before it is moved to the bounded-elastic scheduler, e.g. to
	 * carry the caller's trace context onto that thread.
	 * @return a Mono that runs {@code call} once per subscription
	 */
	default <T> Mono<T> vaultCall(Callable<T> call) {
		return Mono.fromCallable(call);
	}

	/** Outcomes of a refresh check. */
	enum Refresh {

		/** The KV version had not changed. */
		UNCHANGED,

		/** A newer version (or a deleted entry) was read. */
		CHANGED,

		/** Vault could not be reached; the last good credential was served within the staleness limit. */
		SERVED_STALE,

		/** Vault could not be reached and the cached credential was too old to serve. */
		FAILED

	}

}
