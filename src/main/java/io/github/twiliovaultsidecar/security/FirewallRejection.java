package io.github.twiliovaultsidecar.security;

import java.util.Map;
import java.util.Set;

import io.github.twiliovaultsidecar.SidecarException;

/** A request refused by the request firewall before routing: an unsafe path or a method never forwarded. */
final class FirewallRejection extends SidecarException {

	private static final Set<String> FORWARDED_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
			"OPTIONS");

	private final boolean badMethod;

	private FirewallRejection(boolean badMethod, String message, Map<String, ?> context) {
		super(message, context, null);
		this.badMethod = badMethod;
	}

	static FirewallRejection of(String method, String reason) {
		boolean badMethod = !FORWARDED_METHODS.contains(method);
		return new FirewallRejection(badMethod,
				badMethod ? "Method " + method + " is not forwarded to Twilio" : "Rejected request path: " + reason,
				badMethod ? Map.of("method", method) : Map.of());
	}

	@Override
	public String problem() {
		return this.badMethod ? "method-not-allowed" : "invalid-path";
	}

	@Override
	public int status() {
		return this.badMethod ? 405 : 400;
	}

	@Override
	public String title() {
		return this.badMethod ? "Method not allowed" : "Invalid request path";
	}

}
