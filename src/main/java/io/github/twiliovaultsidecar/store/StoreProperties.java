package io.github.twiliovaultsidecar.store;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * {@code sidecar.vault.*}: where credentials live and how long the cache trusts them.
 *
 * @param mount KV v2 mount, default {@value #DEFAULT_MOUNT}
 * @param prefix folder inside the mount, default empty
 * @param refreshInterval how long a cached credential is served before its KV version is checked again
 * @param maxStaleness how long the last good credential is still served while Vault cannot be reached
 * @param breakerWait how long Vault's circuit breaker stays open after repeated failures
 * @param requiredCredentials {@code <account>/<region>} entries that must be readable for readiness
 */
@ConfigurationProperties("sidecar.vault")
public record StoreProperties(@DefaultValue(DEFAULT_MOUNT) String mount, @DefaultValue("") String prefix,
		@DefaultValue("30s") Duration refreshInterval, @DefaultValue("15m") Duration maxStaleness,
		@DefaultValue("10s") Duration breakerWait, @DefaultValue List<String> requiredCredentials) {

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
		if (breakerWait == null || breakerWait.isNegative() || breakerWait.isZero()) {
			throw new IllegalArgumentException("sidecar.vault.breaker-wait must be positive, got " + breakerWait);
		}
		requiredCredentials = List.copyOf(requiredCredentials);
		for (String path : requiredCredentials) {
			String[] parts = path.split("/", -1);
			if (parts.length != 2 || !AccountSid.isValid(parts[0]) || !Region.isValid(parts[1])) {
				throw new IllegalArgumentException(
						"sidecar.vault.required-credentials entries must be <AccountSid>/<region>, got '" + path + "'");
			}
		}
		new VaultLayout(mount, prefix);
	}

	/** @return the keys of {@link #requiredCredentials()} */
	public List<CredentialKey> requiredKeys() {
		return this.requiredCredentials.stream().map(path -> path.split("/")).map(p -> CredentialKey.of(p[0], p[1])).toList();
	}

	/** @return the validated layout */
	public VaultLayout layout() {
		return new VaultLayout(this.mount, this.prefix);
	}

}
