package io.github.twiliovaultsidecar.twilio;

import java.util.Map;

import io.github.twiliovaultsidecar.problem.SidecarException;

/**
 * A SID, region, edge or hostname that does not follow Twilio's grammar. Always a client error
 * (400): nothing is sent upstream or written to Vault once this is thrown.
 */
public final class InvalidTwilioInputException extends SidecarException {

	private InvalidTwilioInputException(String problem, String message, Map<String, ?> context) {
		super(problem, 400, "Invalid Twilio identifier", message, context, null);
	}

	static InvalidTwilioInputException accountSid(String value) {
		return new InvalidTwilioInputException("invalid-account-sid",
				"Not an Account SID: " + Printable.of(value) + " (expected AC followed by 32 hex digits)", Map.of());
	}

	static InvalidTwilioInputException apiKeySid(String value) {
		return new InvalidTwilioInputException("invalid-api-key-sid",
				"Not an API key SID: " + Printable.of(value) + " (expected SK followed by 32 hex digits)", Map.of());
	}

	static InvalidTwilioInputException region(String value) {
		return new InvalidTwilioInputException("invalid-region",
				"Not a Twilio region code: " + Printable.of(value) + " (expected two letters and a digit, such as ie1)",
				Map.of());
	}

	static InvalidTwilioInputException edge(String value) {
		return new InvalidTwilioInputException("invalid-edge", "Not a Twilio edge: " + Printable.of(value)
				+ " (known edges: " + String.join(", ", Edge.KNOWN) + ", or a Private Interconnect edge ending in -ix)",
				Map.of());
	}

	static InvalidTwilioInputException host(String host, String reason) {
		return new InvalidTwilioInputException("invalid-twilio-host",
				"Not a Twilio regional API host: " + Printable.of(host) + ": " + reason, Map.of("host", Printable.bare(host)));
	}

	static InvalidTwilioInputException shortRegionalHost(String host, String edgeForm) {
		return new InvalidTwilioInputException("short-regional-host", "The short regional host " + Printable.of(host)
				+ " no longer works for this region since 2026-04-28; use the edge form " + edgeForm,
				Map.of("host", Printable.bare(host), "use", edgeForm));
	}


}
