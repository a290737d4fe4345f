package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sidecar.verification.*}: the background re-verification of stored credentials.
 *
 * @param interval time between two runs (each run checks every credential the service may read);
 * {@code 0} turns the background runs off (the admin API still re-verifies one entry on request),
 * default {@value #DEFAULT_INTERVAL}
 * @param jitter each interval is stretched or shrunk by a random share of up to this, 0 to 0.5,
 * default {@value #DEFAULT_JITTER}
 * @param concurrency checks in flight at once, 1 to 64, default {@value #DEFAULT_CONCURRENCY}
 * @param ratePerRegion checks started per second per region at most, 1 to 100, default
 * {@value #DEFAULT_RATE}; halved (down to 1) for the rest of a run each time Twilio answers 429
 * @param maxBackoff longest wait after a 429 or while a region's circuit breaker is open, default
 * {@value #DEFAULT_MAX_BACKOFF}
 * @param leaseTtl how long a run's lease holds before it must be renewed; replicas sharing a Vault
 * take over a run whose holder went away after this, default {@value #DEFAULT_LEASE_TTL}
 * @param leaseName the lease entry's name, directly under the mount and prefix, default
 * {@value #DEFAULT_LEASE_NAME}
 * @param accountTags whether the verification meters also carry an {@code account} tag (one series
 * per Account SID), default false
 */
@ConfigurationProperties("sidecar.verification")
public record VerificationProperties(@DefaultValue(DEFAULT_INTERVAL) Duration interval,
		@DefaultValue(DEFAULT_JITTER) double jitter, @DefaultValue(DEFAULT_CONCURRENCY) int concurrency,
		@DefaultValue(DEFAULT_RATE) int ratePerRegion, @DefaultValue(DEFAULT_MAX_BACKOFF) Duration maxBackoff,
		@DefaultValue(DEFAULT_LEASE_TTL) Duration leaseTtl, @DefaultValue(DEFAULT_LEASE_NAME) String leaseName,
		@DefaultValue("false") boolean accountTags) {

	public static final String DEFAULT_INTERVAL = "6h";

	public static final String DEFAULT_JITTER = "0.1";

	public static final String DEFAULT_CONCURRENCY = "4";

	public static final String DEFAULT_RATE = "2";

	public static final String DEFAULT_MAX_BACKOFF = "1m";

	public static final String DEFAULT_LEASE_TTL = "2m";

	public static final String DEFAULT_LEASE_NAME = "sidecar-verification-lease";

	public VerificationProperties {
		require(interval != null && !interval.isNegative(), "interval must be zero (off) or positive", interval);
		require(jitter >= 0 && jitter <= 0.5, "jitter must be between 0 and 0.5", jitter);
		require(concurrency >= 1 && concurrency <= 64, "concurrency must be between 1 and 64", concurrency);
		require(ratePerRegion >= 1 && ratePerRegion <= 100, "rate-per-region must be between 1 and 100", ratePerRegion);
		require(maxBackoff != null && !maxBackoff.isNegative() && !maxBackoff.isZero(), "max-backoff must be positive",
				maxBackoff);
		require(leaseTtl != null && leaseTtl.compareTo(Duration.ofSeconds(3)) >= 0, "lease-ttl must be at least 3s",
				leaseTtl);
		require(leaseName != null && leaseName.matches("[A-Za-z0-9][A-Za-z0-9._-]*") && !leaseName.startsWith("AC"),
				"lease-name must be one path segment of letters, digits, '.', '_' or '-' that is not an Account SID",
				leaseName);
	}

	/** @return whether background runs are on */
	boolean enabled() {
		return !this.interval.isZero();
	}

	private static void require(boolean valid, String rule, Object value) {
		if (!valid) {
			throw new IllegalArgumentException("sidecar.verification." + rule + ", got " + value);
		}
	}

}
