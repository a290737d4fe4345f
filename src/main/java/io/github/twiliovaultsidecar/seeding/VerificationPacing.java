package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import reactor.core.publisher.Mono;

import io.github.twiliovaultsidecar.twilio.Region;

/**
 * How fast checks go, per region: at most {@code rate-per-region} started per second (a Resilience4j
 * rate limiter per region), and slower each time Twilio answers 429: the region pauses for Twilio's
 * {@code Retry-After} (else an exponential backoff) and its rate is halved, down to one per second,
 * for the rest of the run. A run gets a fresh pacing, so a later run starts at the configured rate
 * again. {@link #immediate()} never waits and allows one attempt (a check a person asked for).
 */
final class VerificationPacing {

	/** Attempts per entry, the first included, before a 429 or an open breaker ends it as an error. */
	static final int MAX_ATTEMPTS = 6;

	/** First wait after a 429 without {@code Retry-After}; doubled for each further attempt. */
	static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);

	/** Share of each backoff that is random, so checks paused together do not resume together. */
	static final double BACKOFF_JITTER = 0.25;

	/** Longest a check waits for its rate limiter permit; longer than any run's spread. */
	private static final Duration PERMIT_TIMEOUT = Duration.ofDays(1);

	private final int rate;

	private final int maxAttempts;

	private final Duration maxBackoff;

	private final DoubleSupplier random;

	private final Map<Region, Pace> regions = new ConcurrentHashMap<>();

	private VerificationPacing(int rate, int maxAttempts, Duration maxBackoff, DoubleSupplier random) {
		this.rate = rate;
		this.maxAttempts = maxAttempts;
		this.maxBackoff = maxBackoff;
		this.random = random;
	}

	/** @return the pacing of one background run */
	static VerificationPacing forRun(VerificationProperties properties, DoubleSupplier random) {
		return new VerificationPacing(properties.ratePerRegion(), MAX_ATTEMPTS, properties.maxBackoff(), random);
	}

	/** @return a pacing that never waits and allows one attempt */
	static VerificationPacing immediate() {
		return new VerificationPacing(0, 1, Duration.ZERO, () -> 0.5);
	}

	/** @return attempts per entry, the first included */
	int maxAttempts() {
		return this.maxAttempts;
	}

	/** @return completes when a check in the region may start */
	Mono<Void> permit(Region region) {
		if (this.rate == 0) {
			return Mono.empty();
		}
		return Mono.defer(() -> {
			Pace pace = pace(region);
			long pausedNanos = Math.max(0, pace.pausedUntil.get() - System.nanoTime());
			long permitNanos = pace.limiter.reservePermission();
			long wait = pausedNanos + Math.max(0, permitNanos);
			return (wait == 0) ? Mono.empty() : Mono.delay(Duration.ofNanos(wait)).then();
		});
	}

	/**
	 * Slows the region after Twilio answered 429.
	 * @param attempt the attempt that was throttled, 1 for the first
	 * @return how long the entry waits before its next attempt
	 */
	Duration throttled(Region region, int attempt, Optional<Duration> retryAfter) {
		Duration wait = backoff(attempt, retryAfter, this.maxBackoff, this.random.getAsDouble());
		if (this.rate > 0) {
			Pace pace = pace(region);
			long until = System.nanoTime() + wait.toNanos();
			pace.pausedUntil.accumulateAndGet(until, Math::max);
			int current = pace.limiter.getRateLimiterConfig().getLimitForPeriod();
			pace.limiter.changeLimitForPeriod(Math.max(1, current / 2));
		}
		return wait;
	}

	/** @return how long to hold back for an open breaker: its wait, at most {@code max-backoff} */
	Duration holdBack(Duration breakerWait) {
		return min(breakerWait, this.maxBackoff);
	}

	/** @return the region's current rate (checks per second), for tests */
	int rate(Region region) {
		return pace(region).limiter.getRateLimiterConfig().getLimitForPeriod();
	}

	/**
	 * The wait after a 429: Twilio's {@code Retry-After} when given, else {@link #INITIAL_BACKOFF}
	 * doubled per attempt with {@link #BACKOFF_JITTER} of randomness; never more than {@code max}.
	 * @param attempt the throttled attempt, 1 for the first
	 * @param random a value in [0, 1)
	 */
	static Duration backoff(int attempt, Optional<Duration> retryAfter, Duration max, double random) {
		if (retryAfter.isPresent()) {
			return min(retryAfter.get(), max);
		}
		double base = INITIAL_BACKOFF.toMillis() * Math.pow(2, Math.min(30, Math.max(0, attempt - 1)));
		double jittered = base * (1 + BACKOFF_JITTER * (2 * random - 1));
		return min(Duration.ofMillis((long) jittered), max);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private Pace pace(Region region) {
		return this.regions.computeIfAbsent(region, r -> new Pace(RateLimiter.of("verification-" + r.code(),
				RateLimiterConfig.custom()
					.limitForPeriod(Math.max(1, this.rate))
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(PERMIT_TIMEOUT)
					.build())));
	}

	/** A region's limiter and the instant (nanoTime) before which it is paused. */
	private record Pace(RateLimiter limiter, AtomicLong pausedUntil) {

		Pace(RateLimiter limiter) {
			this(limiter, new AtomicLong(System.nanoTime()));
		}

	}

}
