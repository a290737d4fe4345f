package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Optional;

import org.springframework.http.HttpMethod;

import io.github.twiliovaultsidecar.upstream.UpstreamFailure;

/**
 * What the proxy does after each attempt to send a caller's request, as one function of the attempt
 * and its outcome, so the whole decision is in one place and tested without a server: pass the
 * answer on, send again after a wait ({@link RetryPolicy}), or, when Twilio rejected the credential
 * (401), read it again from Vault and send once more with a newer one. A 401 proves Twilio did
 * nothing, so sending again is safe for a POST too; the credential is read again once per request.
 * No I/O; the only state is in the arguments.
 */
final class NextStep {

	private final RetryPolicy retries;

	NextStep(RetryPolicy retries) {
		this.retries = retries;
	}

	/**
	 * One attempt of a request.
	 *
	 * @param method the caller's method
	 * @param number 1 for the first attempt
	 * @param remaining time left before the request's total timeout
	 * @param replayable whether the request body can be sent again
	 * @param rejectedBefore whether Twilio rejected a credential of this request already
	 */
	record Attempt(HttpMethod method, int number, Duration remaining, boolean replayable, boolean rejectedBefore) {
	}

	/** How an attempt ended. */
	sealed interface Outcome {

		/**
		 * Twilio answered.
		 * @param twilioCode Twilio's error code from the body, when it was read ({@link RetryPolicy#needsBody})
		 * @param retryAfter Twilio's {@code Retry-After} header, {@code null} when absent
		 */
		record Answered(int status, Optional<Integer> twilioCode, String retryAfter) implements Outcome {
		}

		/** No answer came. */
		record Failed(UpstreamFailure failure) implements Outcome {
		}

	}

	/** What to do next. */
	sealed interface Decision {

		/** Pass Twilio's answer to the caller. */
		record Relay() implements Decision {
		}

		/** Send the request again after {@code delay}, with the same credential. */
		record Retry(Duration delay) implements Decision {
		}

		/** Read the credential again from Vault and see ({@link #afterReread}). */
		record Reread() implements Decision {
		}

		/** Send the request again at once with the credential just read. */
		record Resend() implements Decision {
		}

		/** Give up: the stored credential is rejected by Twilio and Vault holds no newer one. */
		record CredentialRejected() implements Decision {
		}

		/** Give up: the caller gets the failure as its problem. */
		record GiveUp(UpstreamFailure failure) implements Decision {
		}

	}

	/** @return what to do after {@code attempt} ended as {@code outcome} */
	Decision after(Attempt attempt, Outcome outcome) {
		if (outcome instanceof Outcome.Failed failed) {
			return this.retries
				.afterFailure(attempt.method(), failed.failure(), attempt.number(), attempt.remaining(),
						attempt.replayable())
				.<Decision>map(Decision.Retry::new)
				.orElseGet(() -> new Decision.GiveUp(failed.failure()));
		}
		Outcome.Answered answered = (Outcome.Answered) outcome;
		if (answered.status() == 401) {
			return attempt.rejectedBefore() ? new Decision.CredentialRejected() : new Decision.Reread();
		}
		return this.retries
			.afterResponse(attempt.method(), answered.status(), answered.twilioCode(), answered.retryAfter(),
					attempt.number(), attempt.remaining(), attempt.replayable())
			.<Decision>map(Decision.Retry::new)
			.orElseGet(Decision.Relay::new);
	}

	/**
	 * @param changed whether the credential read again differs from the one Twilio rejected
	 * @param replayable whether the request body can be sent again
	 * @return {@link Decision.Resend} or {@link Decision.CredentialRejected}
	 */
	static Decision afterReread(boolean changed, boolean replayable) {
		return (changed && replayable) ? new Decision.Resend() : new Decision.CredentialRejected();
	}

}
