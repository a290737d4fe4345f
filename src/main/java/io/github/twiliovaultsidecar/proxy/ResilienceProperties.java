package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * {@code sidecar.resilience.*}: how a slow or failing region, or a burst from one account, is kept
 * from taking the sidecar down. Every value has a default; invalid values fail start-up with a
 * message naming the property.
 *
 * @param breaker the circuit breaker kept per regional host
 * @param bulkhead the bound on concurrent calls per regional host
 * @param retry which failures are retried and how long to wait
 * @param accounts the concurrent-request limit per account
 * @param timeouts first-byte and total timeouts, with per-region overrides
 */
@ConfigurationProperties("sidecar.resilience")
public record ResilienceProperties(@DefaultValue Breaker breaker, @DefaultValue Bulkhead bulkhead,
		@DefaultValue Retry retry, @DefaultValue Accounts accounts, @DefaultValue Timeouts timeouts) {

	/**
	 * @param failureRateThreshold percentage of failed calls (5xx, connect failures, timeouts) that opens it
	 * @param minimumCalls calls needed in the window before the rate counts
	 * @param windowSize calls in the sliding window
	 * @param waitInOpen how long it stays open before letting probe calls through
	 * @param probeCalls calls let through while half-open
	 */
	public record Breaker(@DefaultValue("50") float failureRateThreshold, @DefaultValue("10") int minimumCalls,
			@DefaultValue("20") int windowSize, @DefaultValue("30s") Duration waitInOpen,
			@DefaultValue("3") int probeCalls) {

		public Breaker {
			require(failureRateThreshold > 0 && failureRateThreshold <= 100, "breaker.failure-rate-threshold",
					failureRateThreshold);
			require(minimumCalls > 0, "breaker.minimum-calls", minimumCalls);
			require(windowSize >= minimumCalls, "breaker.window-size", windowSize);
			require(isPositive(waitInOpen), "breaker.wait-in-open", waitInOpen);
			require(probeCalls > 0, "breaker.probe-calls", probeCalls);
		}
	}

	/** @param maxConcurrent calls in flight to one regional host before more are refused with 503 */
	public record Bulkhead(@DefaultValue("64") int maxConcurrent) {

		public Bulkhead {
			require(maxConcurrent > 0, "bulkhead.max-concurrent", maxConcurrent);
		}
	}

	/**
	 * @param maxAttempts attempts in all, the first included
	 * @param initialBackoff wait before the first retry
	 * @param multiplier growth of the wait from one retry to the next
	 * @param jitter randomization factor of each wait, 0 to 1
	 * @param maxRetryAfter longest {@code Retry-After} honoured; a longer one is passed to the caller
	 */
	public record Retry(@DefaultValue("3") int maxAttempts, @DefaultValue("100ms") Duration initialBackoff,
			@DefaultValue("2") double multiplier, @DefaultValue("0.5") double jitter,
			@DefaultValue("5s") Duration maxRetryAfter) {

		public Retry {
			require(maxAttempts >= 1, "retry.max-attempts", maxAttempts);
			require(isPositive(initialBackoff), "retry.initial-backoff", initialBackoff);
			require(multiplier >= 1, "retry.multiplier", multiplier);
			require(jitter >= 0 && jitter < 1, "retry.jitter", jitter);
			require(maxRetryAfter != null && !maxRetryAfter.isNegative(), "retry.max-retry-after", maxRetryAfter);
		}
	}

	/**
	 * @param defaultLimit concurrent requests per account (Twilio's default account limit is 100)
	 * @param limits per-account overrides, keyed by Account SID
	 * @param queueTimeout how long a request waits for a free slot before a 429
	 */
	public record Accounts(@DefaultValue("100") int defaultLimit, @DefaultValue Map<String, Integer> limits,
			@DefaultValue("250ms") Duration queueTimeout) {

		public Accounts {
			require(defaultLimit > 0, "accounts.default-limit", defaultLimit);
			limits = Map.copyOf(limits);
			limits.forEach((account, limit) -> {
				require(AccountSid.isValid(account), "accounts.limits key", account);
				require(limit != null && limit > 0, "accounts.limits." + account, limit);
			});
			require(queueTimeout != null && !queueTimeout.isNegative(), "accounts.queue-timeout", queueTimeout);
		}

		/** @return the limit for an account */
		public int limitFor(AccountSid account) {
			return this.limits.entrySet()
				.stream()
				.filter(entry -> AccountSid.parse(entry.getKey()).equals(account))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElse(this.defaultLimit);
		}
	}

	/**
	 * @param firstByte longest wait for the response headers of one attempt
	 * @param total longest time from the caller's request to Twilio's response headers, retries included
	 * @param regions per-region overrides, keyed by region code
	 */
	public record Timeouts(@DefaultValue("30s") Duration firstByte, @DefaultValue("60s") Duration total,
			@DefaultValue Map<String, RegionTimeouts> regions) {

		public Timeouts {
			require(isPositive(firstByte), "timeouts.first-byte", firstByte);
			require(isPositive(total), "timeouts.total", total);
			regions = Map.copyOf(regions);
			regions.keySet().forEach(code -> require(Region.isValid(code), "timeouts.regions key", code));
		}

		/** @return the first-byte timeout for a region */
		public Duration firstByteFor(Region region) {
			RegionTimeouts override = this.regions.get(region.code());
			return (override != null && override.firstByte() != null) ? override.firstByte() : this.firstByte;
		}

		/** @return the total timeout for a region */
		public Duration totalFor(Region region) {
			RegionTimeouts override = this.regions.get(region.code());
			return (override != null && override.total() != null) ? override.total() : this.total;
		}
	}

	/**
	 * @param firstByte the region's first-byte timeout, {@code null} for the default
	 * @param total the region's total timeout, {@code null} for the default
	 */
	public record RegionTimeouts(Duration firstByte, Duration total) {
	}

	private static boolean isPositive(Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

	private static void require(boolean valid, String property, Object value) {
		if (!valid) {
			throw new IllegalArgumentException("sidecar.resilience." + property + " is invalid: " + value);
		}
	}

}
