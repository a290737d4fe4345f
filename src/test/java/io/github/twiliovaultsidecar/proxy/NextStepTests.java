package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;

import io.github.twiliovaultsidecar.upstream.UpstreamFailure;

import static org.assertj.core.api.Assertions.assertThat;

/** What follows each attempt of a proxied request, decided without a server. */
class NextStepTests {

	private static final Duration PLENTY = Duration.ofSeconds(30);

	private final NextStep next = new NextStep(new RetryPolicy(
			new ResilienceProperties.Retry(3, Duration.ofMillis(100), 2, 0.5, Duration.ofSeconds(5))));

	private static NextStep.Attempt first(HttpMethod method) {
		return new NextStep.Attempt(method, 1, PLENTY, true, false);
	}

	private static NextStep.Outcome answered(int status) {
		return new NextStep.Outcome.Answered(status, Optional.empty(), null);
	}

	@Test
	void aSuccessOrAClientErrorIsRelayed() {
		for (int status : new int[] { 200, 201, 204, 302, 400, 404, 409 }) {
			assertThat(this.next.after(first(HttpMethod.POST), answered(status))).as("POST answered %d", status)
				.isInstanceOf(NextStep.Decision.Relay.class);
		}
	}

	@Test
	void theFirst401ReadsTheCredentialAgainAndASecondGivesUp() {
		assertThat(this.next.after(first(HttpMethod.POST), answered(401))).isInstanceOf(NextStep.Decision.Reread.class);
		NextStep.Attempt afterResend = new NextStep.Attempt(HttpMethod.POST, 2, PLENTY, true, true);
		assertThat(this.next.after(afterResend, answered(401)))
			.isInstanceOf(NextStep.Decision.CredentialRejected.class);
	}

	@Test
	void afterTheRereadTheRequestIsSentAgainOnlyWithANewerCredentialAndAKeptBody() {
		assertThat(NextStep.afterReread(true, true)).isInstanceOf(NextStep.Decision.Resend.class);
		assertThat(NextStep.afterReread(false, true)).as("Vault holds the same credential")
			.isInstanceOf(NextStep.Decision.CredentialRejected.class);
		assertThat(NextStep.afterReread(true, false)).as("the body was streamed and cannot be sent again")
			.isInstanceOf(NextStep.Decision.CredentialRejected.class);
	}

	@Test
	void twiliosConcurrencyLimitIsRetriedAfterItsRetryAfterEvenForAPost() {
		NextStep.Decision decision = this.next.after(first(HttpMethod.POST),
				new NextStep.Outcome.Answered(429, Optional.of(RetryPolicy.CONCURRENCY_LIMIT_CODE), "2"));
		assertThat(decision).isEqualTo(new NextStep.Decision.Retry(Duration.ofSeconds(2)));
	}

	@Test
	void a5xxIsRetriedForAGetUntilTheAttemptsRunOutThenRelayed() {
		assertThat(this.next.after(first(HttpMethod.GET), answered(503))).isInstanceOf(NextStep.Decision.Retry.class);
		NextStep.Attempt last = new NextStep.Attempt(HttpMethod.GET, 3, PLENTY, true, false);
		assertThat(this.next.after(last, answered(503))).isInstanceOf(NextStep.Decision.Relay.class);
		assertThat(this.next.after(first(HttpMethod.POST), answered(503))).as("a POST may have been processed")
			.isInstanceOf(NextStep.Decision.Relay.class);
	}

	@Test
	void noRetryOutlastsTheDeadline() {
		NextStep.Attempt late = new NextStep.Attempt(HttpMethod.GET, 1, Duration.ofMillis(1), true, false);
		assertThat(this.next.after(late, new NextStep.Outcome.Answered(503, Optional.empty(), "2")))
			.isInstanceOf(NextStep.Decision.Relay.class);
	}

	@Test
	void aFailureIsRetriedWhenNothingWasSentAndElseGivenUpWithItself() {
		UpstreamFailure refused = new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "api.twilio.com", null);
		assertThat(this.next.after(first(HttpMethod.POST), new NextStep.Outcome.Failed(refused)))
			.isInstanceOf(NextStep.Decision.Retry.class);
		UpstreamFailure timedOut = new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "api.twilio.com", null);
		assertThat(this.next.after(first(HttpMethod.POST), new NextStep.Outcome.Failed(timedOut)))
			.isEqualTo(new NextStep.Decision.GiveUp(timedOut));
		NextStep.Attempt streamed = new NextStep.Attempt(HttpMethod.GET, 1, PLENTY, false, false);
		assertThat(this.next.after(streamed, new NextStep.Outcome.Failed(refused)))
			.as("a streamed body cannot be sent again")
			.isEqualTo(new NextStep.Decision.GiveUp(refused));
	}

}
