package io.github.twiliovaultsidecar.webhook;

import java.util.Map;
import java.util.regex.Pattern;

import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.store.CredentialKey;

/**
 * A webhook that cannot be checked or was not signed by Twilio. Created through the factories,
 * which add the route, account or region and never a token, a signature or the URL (a URL may hold
 * user-info).
 */
final class WebhookException extends SidecarException {

	private static final Pattern PRINTABLE_ROUTE = Pattern.compile(WebhookProperties.ROUTE_NAME_FORMAT);

	private WebhookException(String problem, int status, String title, String message, Map<String, ?> context) {
		super(problem, status, title, message, context, null);
	}

	static WebhookException missingSignature() {
		return new WebhookException("webhook-signature-missing", 400, "Webhook signature missing",
				"No " + WebhookSignature.HEADER + " signature was given", Map.of());
	}

	static WebhookException invalidUrl(String reason) {
		return new WebhookException("invalid-webhook-url", 400, "Invalid webhook URL",
				"The webhook URL cannot be checked: " + reason, Map.of());
	}

	static WebhookException invalidRequest(String reason) {
		return new WebhookException("invalid-webhook-request", 400, "Invalid webhook validation request", reason,
				Map.of());
	}

	static WebhookException invalidForm(String route) {
		return new WebhookException("invalid-webhook-form", 400, "Invalid form body",
				"The form-encoded body of the webhook for route '" + route + "' cannot be decoded",
				Map.of("route", route));
	}

	static WebhookException notAnAuthToken(CredentialKey key) {
		return new WebhookException("credential-cannot-validate-webhooks", 422, "Credential cannot validate webhooks",
				"The credential for " + key + " is an API key; Twilio signs webhooks with the Auth Token, so store "
						+ "'auth_token' for this account and region to validate its webhooks",
				Map.of("account", key.account().value(), "region", key.region().code()));
	}

	static WebhookException signatureRejected(String route) {
		return new WebhookException("webhook-signature-invalid", 403, "Webhook signature invalid",
				"The " + WebhookSignature.HEADER + " signature does not match the request for route '" + route + "'",
				Map.of("route", route));
	}

	static WebhookException bodyTooLarge(long limitBytes) {
		return new WebhookException("webhook-body-too-large", 413, "Webhook body too large",
				"The request body is larger than " + limitBytes + " bytes (sidecar.webhooks.max-body-size)",
				Map.of("limit_bytes", limitBytes));
	}

	static WebhookException unknownRoute(String name) {
		boolean printable = name != null && name.length() <= 64 && PRINTABLE_ROUTE.matcher(name).matches();
		return new WebhookException("webhook-route-not-found", 404, "Webhook route not found",
				printable ? "No webhook route named '" + name + "' is configured (sidecar.webhooks.routes)"
						: "No such webhook route is configured (sidecar.webhooks.routes)",
				printable ? Map.of("route", name) : Map.of());
	}

	static WebhookException appUnavailable(String route, Throwable cause) {
		return new WebhookException("webhook-app-unavailable", 502, "Webhook app unavailable",
				"The app behind route '" + route + "' did not answer: " + cause.getClass().getSimpleName(),
				Map.of("route", route));
	}


}
