package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.github.resilience4j.core.IntervalFunction;

import org.springframework.http.HttpMethod;

import io.github.twiliovaultsidecar.twilio.Throttling;
import io.github.twiliovaultsidecar.upstream.UpstreamFailure;

/**
 * Decides whether a failed attempt is sent again, and after how long. Idempotent methods (GET,
 * HEAD, DELETE) are retried on connect failures and 5xx. Any other method (POST above all: a
 * retried POST can send an SMS twice) is retried only when Twilio provably did nothing: a connect
 * failure before any byte was sent, or a 429 with code 20429, which Twilio documents as not
 * processed and safe to retry. {@code Retry-After} is honoured up to a bound. No I/O.
 */
final class RetryPolicy {

	/** Twilio's error code for "too many concurrent requests": such requests are not processed. */
	static final int CONCURRENCY_LIMIT_CODE = Throttling.CONCURRENCY_LIMIT_CODE;

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE);

	private final ResilienceProperties.Retry settings;

	private final IntervalFunction backoff;

	RetryPolicy(ResilienceProperties.Retry settings) {
		this.settings = settings;
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), settings.multiplier(),
				settings.jitter());
	}

	/**
	 * @param attempt the attempt that just failed, 1 for the first
	 * @param remaining time left before the total timeout
	 * @param replayable whether the request body can be sent again
	 * @return the wait before the next attempt, empty to give up
	 */
	Optional<Duration> afterFailure(HttpMethod method, UpstreamFailure failure, int attempt, Duration remaining,
			boolean replayable) {
		boolean safe = failure.nothingSent() || (IDEMPOTENT.contains(method) && failure.kind() != UpstreamFailure.Kind.TIMEOUT);
		return safe ? next(attempt, Optional.empty(), remaining, replayable) : Optional.empty();
	}

	/**
	 * @param status Twilio's status
	 * @param twilioCode Twilio's error code from the body, when read
	 * @param retryAfter Twilio's {@code Retry-After} header, may be {@code null}
	 * @return the wait before the next attempt, empty to pass the response to the caller
	 */
	Optional<Duration> afterResponse(HttpMethod method, int status, Optional<Integer> twilioCode, String retryAfter,
			int attempt, Duration remaining, boolean replayable) {
		boolean concurrencyLimited = status == 429 && twilioCode.filter(code -> code == CONCURRENCY_LIMIT_CODE).isPresent();
		boolean safe = concurrencyLimited || (IDEMPOTENT.contains(method) && (status >= 500 || status == 429));
		return safe ? next(attempt, parseRetryAfter(retryAfter), remaining, replayable) : Optional.empty();
	}

	/** @return whether a response's body must be read to decide (a 429 needs its Twilio code) */
	static boolean needsBody(int status) {
		return status == 429;
	}

	private Optional<Duration> next(int attempt, Optional<Duration> retryAfter, Duration remaining, boolean replayable) {
		if (!replayable || attempt >= this.settings.maxAttempts()) {
			return Optional.empty();
		}
		if (retryAfter.isPresent() && retryAfter.get().compareTo(this.settings.maxRetryAfter()) > 0) {
			return Optional.empty();
		}
		Duration wait = retryAfter.orElseGet(() -> Duration.ofMillis(this.backoff.apply(attempt)));
		return (wait.compareTo(remaining) < 0) ? Optional.of(wait) : Optional.empty();
	}

	/** @return the wait a {@code Retry-After} value asks for, see {@link Throttling#retryAfter} */
	static Optional<Duration> parseRetryAfter(String value) {
		return Throttling.retryAfter(value);
	}

}
