package io.github.twiliovaultsidecar.proxy;

import java.util.Map;

import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.upstream.UpstreamFailure;

/** A failure the proxy reports itself. Created through factories that add context, never a secret. */
public final class ProxyException extends SidecarException {

	private ProxyException(String problem, int status, String title, String message, Map<String, ?> context) {
		super(problem, status, title, message, context, null);
	}

	static ProxyException badPath(String reason) {
		return new ProxyException("invalid-path", 400, "Invalid request path", "Rejected request path: " + reason,
				Map.of());
	}

	static ProxyException representationRefused(String path, String representation, String use) {
		String asked = representation.isEmpty() ? "without an extension" : "as ." + representation;
		return new ProxyException("representation-not-forwarded", 400, "Representation not forwarded",
				"The resource at " + path + " carries credentials and is forwarded only as JSON, not " + asked
						+ ": request " + use,
				Map.of("path", path, "use", use));
	}

	static ProxyException accountConflict(String first, String firstSource, String second, String secondSource) {
		return new ProxyException("account-mismatch", 400, "Conflicting accounts",
				"The request names two accounts: " + first + " (" + firstSource + ") and " + second + " (" + secondSource
						+ ")",
				Map.of(firstSource, first, secondSource, second));
	}

	static ProxyException noAccount() {
		return new ProxyException("account-missing", 400, "No account",
				"The request names no account: put it in the path (/Accounts/AC…), the Basic-auth user name or "
						+ "X-Twilio-Account-Sid, or configure sidecar.proxy.default-account",
				Map.of());
	}

	static ProxyException bodyTooLarge(long limit) {
		return new ProxyException("body-too-large", 413, "Request body too large",
				"The request body is larger than sidecar.proxy.max-request-body (" + limit + " bytes)",
				Map.of("limit", limit));
	}

	static ProxyException methodNotAllowed(String method) {
		return new ProxyException("method-not-allowed", 405, "Method not allowed",
				"Method " + method + " is not forwarded to Twilio", Map.of("method", method));
	}

	static ProxyException storedCredentialRejected(CredentialKey key, String path, long version) {
		return new ProxyException("stored-credential-rejected", 502, "Stored credential rejected by Twilio",
				"Twilio rejected the stored credential for account " + key.account() + " in region " + key.region()
						+ " (version " + version + " at " + path + ") and Vault holds no newer version: reseed it",
				Map.of("account", key.account().value(), "region", key.region().code(), "path", path,
						"credential_version", version));
	}

	static ProxyException upstreamFailed(UpstreamFailure failure) {
		return upstreamFailed(failure.host(), failure.kind());
	}

	static ProxyException upstreamFailed(String host, UpstreamFailure.Kind kind) {
		return switch (kind) {
			case CONNECT -> new ProxyException("upstream-unreachable", 502, "Twilio unreachable",
					"Could not connect to " + host + "; the request was not sent", Map.of("host", host));
			case TIMEOUT -> new ProxyException("upstream-timeout", 504, "Twilio did not answer in time",
					"No response from " + host + " in time; the request may have been processed, so it was not retried",
					Map.of("host", host));
			case BROKEN -> new ProxyException("upstream-connection-broken", 502, "Twilio connection broken",
					"The connection to " + host + " broke after the request was sent; it may have been processed, "
							+ "so it was not retried",
					Map.of("host", host));
		};
	}

	static ProxyException regionUnavailable(String host, java.time.Duration retryAfter) {
		return new ProxyException("region-unavailable", 503, "Region temporarily unavailable",
				"Calls to " + host + " are failing; the circuit breaker is open, retry after " + retryAfter.toSeconds()
						+ " s",
				Map.of("host", host, SidecarException.RETRY_AFTER, Math.max(1, retryAfter.toSeconds())));
	}

	static ProxyException regionBusy(String host, int limit) {
		return new ProxyException("region-busy", 503, "Region at capacity",
				"Already " + limit + " calls in flight to " + host + " (sidecar.resilience.bulkhead.max-concurrent)",
				Map.of("host", host, SidecarException.RETRY_AFTER, 1));
	}

	static ProxyException accountBusy(AccountSid account, int limit) {
		return new ProxyException("account-concurrency-limit", 429, "Too many concurrent requests for the account",
				"Account " + account + " already has " + limit
						+ " requests in flight through this sidecar; retry shortly",
				Map.of("account", account.value(), "limit", limit, SidecarException.RETRY_AFTER, 1));
	}

	static ProxyException unreadableResponse(String host, String reason) {
		return new ProxyException("upstream-response-unreadable", 502, "Twilio response withheld",
				"The response from " + host + " could not be checked for secrets (" + reason + ") and was withheld",
				Map.of("host", host));
	}

	static ProxyException internal() {
		return new ProxyException("internal-error", 500, "Internal error",
				"The sidecar failed while handling the request; its log has the details", Map.of());
	}

}
