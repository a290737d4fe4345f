package io.github.twiliovaultsidecar.security;

import java.util.Map;
import java.util.Set;

import io.github.twiliovaultsidecar.problem.SidecarException;

/** A request refused by the request firewall before routing: an unsafe path or a method never forwarded. */
final class FirewallRejection extends SidecarException {

	private static final Set<String> FORWARDED_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
			"OPTIONS");

	private FirewallRejection(boolean badMethod, String message, Map<String, ?> context) {
		super(badMethod ? "method-not-allowed" : "invalid-path", badMethod ? 405 : 400,
				badMethod ? "Method not allowed" : "Invalid request path", message, context, null);
	}

	static FirewallRejection of(String method, String reason) {
		boolean badMethod = !FORWARDED_METHODS.contains(method);
		return new FirewallRejection(badMethod,
				badMethod ? "Method " + method + " is not forwarded to Twilio" : "Rejected request path: " + reason,
				badMethod ? Map.of("method", method) : Map.of());
	}

}
