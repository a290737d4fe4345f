package io.github.twiliovaultsidecar.store;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sidecar.vault.*}: where credentials live and how long the cache trusts them.
 *
 * @param mount KV v2 mount, default {@value #DEFAULT_MOUNT}
 * @param prefix folder inside the mount, default empty
 * @param refreshInterval how long a cached credential is served before its KV version is checked again
 * @param maxStaleness how long the last good credential is still served while Vault cannot be reached
 */
@ConfigurationProperties("sidecar.vault")
public record StoreProperties(@DefaultValue(DEFAULT_MOUNT) String mount, @DefaultValue("") String prefix,
		@DefaultValue("30s") Duration refreshInterval, @DefaultValue("15m") Duration maxStaleness) {

	public static final String DEFAULT_MOUNT = "twilio";

	public StoreProperties {
		if (refreshInterval == null || refreshInterval.isNegative()) {
			throw new IllegalArgumentException(
					"sidecar.vault.refresh-interval must be zero or positive, got " + refreshInterval);
		}
		if (maxStaleness == null || maxStaleness.compareTo(refreshInterval) < 0) {
			throw new IllegalArgumentException("sidecar.vault.max-staleness must be at least the refresh interval ("
					+ refreshInterval + "), got " + maxStaleness);
		}
		new VaultLayout(mount, prefix);
	}

	/** @return the validated layout */
	public VaultLayout layout() {
		return new VaultLayout(this.mount, this.prefix);
	}

}
