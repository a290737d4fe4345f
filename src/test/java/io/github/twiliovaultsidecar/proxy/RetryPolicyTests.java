package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;

import io.github.twiliovaultsidecar.upstream.UpstreamFailure;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are retried: a POST only when Twilio provably did nothing. */
class RetryPolicyTests {

	private static final Duration PLENTY = Duration.ofSeconds(30);

	private final RetryPolicy policy = new RetryPolicy(
			new ResilienceProperties.Retry(3, Duration.ofMillis(100), 2, 0.5, Duration.ofSeconds(5)));

	private static UpstreamFailure failure(UpstreamFailure.Kind kind) {
		return new UpstreamFailure(kind, "api.twilio.com", null);
	}

	@Test
	void aPostIsRetriedAfterAConnectFailureOnly() {
		assertThat(this.policy.afterFailure(HttpMethod.POST, failure(UpstreamFailure.Kind.CONNECT), 1, PLENTY, true))
			.isPresent();
		assertThat(this.policy.afterFailure(HttpMethod.POST, failure(UpstreamFailure.Kind.BROKEN), 1, PLENTY,
				true)).isEmpty();
		assertThat(this.policy.afterFailure(HttpMethod.POST, failure(UpstreamFailure.Kind.TIMEOUT), 1, PLENTY, true))
			.isEmpty();
	}

	@Test
	void aPostIsNeverRetriedAfterA5xxOrAPlain429() {
		for (int status : new int[] { 500, 502, 503, 504 }) {
			assertThat(this.policy.afterResponse(HttpMethod.POST, status, Optional.empty(), null, 1, PLENTY, true))
				.as("POST after %d", status)
				.isEmpty();
		}
		assertThat(this.policy.afterResponse(HttpMethod.POST, 429, Optional.of(20003), "1", 1, PLENTY, true)).isEmpty();
	}

	@Test
	void aPostIsRetriedAfterTwiliosConcurrencyLimitHonouringRetryAfter() {
		assertThat(this.policy.afterResponse(HttpMethod.POST, 429, Optional.of(20429), "2", 1, PLENTY, true))
			.contains(Duration.ofSeconds(2));
		assertThat(this.policy.afterResponse(HttpMethod.POST, 429, Optional.of(20429), "60", 1, PLENTY, true))
			.as("a Retry-After past the bound goes to the caller")
			.isEmpty();
	}

	@Test
	void idempotentMethodsAreRetriedOn5xxAndBrokenConnectionsButNotTimeouts() {
		assertThat(this.policy.afterResponse(HttpMethod.GET, 503, Optional.empty(), null, 1, PLENTY, true)).isPresent();
		assertThat(this.policy.afterResponse(HttpMethod.DELETE, 500, Optional.empty(), null, 1, PLENTY, true)).isPresent();
		assertThat(this.policy.afterResponse(HttpMethod.GET, 404, Optional.empty(), null, 1, PLENTY, true)).isEmpty();
		assertThat(this.policy.afterFailure(HttpMethod.GET, failure(UpstreamFailure.Kind.BROKEN), 1, PLENTY,
				true)).isPresent();
		assertThat(this.policy.afterFailure(HttpMethod.GET, failure(UpstreamFailure.Kind.TIMEOUT), 1, PLENTY, true))
			.isEmpty();
	}

	@Test
	void backsOffExponentiallyWithJitterAndStopsAtTheLimitsOrBudget() {
		Duration first = this.policy.afterResponse(HttpMethod.GET, 503, Optional.empty(), null, 1, PLENTY, true).get();
		Duration second = this.policy.afterResponse(HttpMethod.GET, 503, Optional.empty(), null, 2, PLENTY, true).get();
		assertThat(first).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
		assertThat(second).isBetween(Duration.ofMillis(100), Duration.ofMillis(300));
		assertThat(this.policy.afterResponse(HttpMethod.GET, 503, Optional.empty(), null, 3, PLENTY, true)).isEmpty();
		assertThat(this.policy.afterResponse(HttpMethod.GET, 503, Optional.empty(), null, 1, Duration.ofMillis(10), true))
			.isEmpty();
		assertThat(this.policy.afterResponse(HttpMethod.GET, 503, Optional.empty(), null, 1, PLENTY, false)).isEmpty();
	}

	@Test
	void readsRetryAfterAsSecondsOrDate() {
		assertThat(RetryPolicy.parseRetryAfter("3")).contains(Duration.ofSeconds(3));
		assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
		assertThat(RetryPolicy.parseRetryAfter("soon")).isEmpty();
		assertThat(RetryPolicy.parseRetryAfter(null)).isEmpty();
	}

}
