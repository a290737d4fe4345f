package io.github.twiliovaultsidecar.seeding;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The outcome of checking one stored credential against its regional host, as the admin API, the
 * inventory and the readiness details show it. Holds no secret.
 *
 * @param outcome what Twilio (or Vault) answered
 * @param at when the check ended, RFC 3339 to the second
 * @param detail one sentence naming the host or the problem, never a value
 * @param version the KV version checked, {@code null} when no version could be read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Verification(Outcome outcome, String at, String detail, Long version) {

	static Verification of(Outcome outcome, Instant at, String detail, Long version) {
		return new Verification(outcome, at.truncatedTo(ChronoUnit.SECONDS).toString(), detail, version);
	}

	/** @return {@link #at()} as an instant */
	Instant instant() {
		return Instant.parse(this.at);
	}

	/** The outcomes, also the {@code outcome} tag of {@code sidecar.credentials.verification}. */
	enum Outcome {

		/** Twilio accepted the credential. */
		VERIFIED,

		/** Twilio refused it (401, 403, 404…): it must be reseeded. */
		REJECTED,

		/** The entry cannot be used as stored: no credential, wrong keys, bad SIDs, deleted. */
		UNUSABLE,

		/** Nothing was proven: Twilio or Vault failed, or Twilio kept asking to slow down. */
		ERROR;

		/** @return the lower-case name used in JSON and as a tag value */
		@JsonValue
		String value() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
