package io.github.twiliovaultsidecar.proxy;

import java.util.List;
import java.util.Set;

import org.springframework.http.HttpHeaders;

import io.github.twiliovaultsidecar.web.HopByHop;

/**
 * Which headers cross the proxy, as pure functions over {@link HttpHeaders}. The caller's credentials
 * and cookies never reach Twilio, hop-by-hop headers never cross in either direction
 * ({@link HopByHop}), and Twilio's own response headers ({@code Twilio-Request-Id},
 * {@code Twilio-Concurrent-Requests}…) pass through.
 */
final class HeaderRules {

	/**
	 * Caller headers never forwarded: credentials, cookies, routing hints the sidecar decides itself,
	 * and encodings it could not check for secrets.
	 */
	static final Set<String> CALLER_ONLY = HopByHop.caseInsensitive(List.of("Authorization", "Cookie", "Host",
			AccountResolution.ACCOUNT_HEADER, "Accept-Encoding", "Expect", "Forwarded", "X-Forwarded-For",
			"X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Real-IP"));

	private static final Set<String> LENGTH = HopByHop.caseInsensitive(List.of(HttpHeaders.CONTENT_LENGTH));

	/** Response header naming the KV version of the credential that signed the request. */
	static final String CREDENTIAL_VERSION = "X-Sidecar-Credential-Version";

	private HeaderRules() {
	}

	/**
	 * @param caller the caller's request headers
	 * @param twilioHost the upstream hostname, sent as {@code Host}
	 * @param authorization the signed {@code Authorization} value
	 * @param into the headers to send upstream, which get the caller's allowed headers, {@code Host}
	 * and {@code Authorization}
	 */
	static void upstreamRequest(HttpHeaders caller, String twilioHost, String authorization, HttpHeaders into) {
		HopByHop.copy(caller, CALLER_ONLY, into);
		into.set(HttpHeaders.HOST, twilioHost);
		into.set(HttpHeaders.AUTHORIZATION, authorization);
	}

	/**
	 * @param upstream Twilio's response headers
	 * @param bodyRewritten whether the body is rewritten, so its length is no longer Twilio's
	 * @param credentialVersion the KV version used
	 * @param into the headers sent to the caller
	 */
	static void callerResponse(HttpHeaders upstream, boolean bodyRewritten, long credentialVersion, HttpHeaders into) {
		HopByHop.copy(upstream, bodyRewritten ? LENGTH : Set.of(), into);
		into.set(CREDENTIAL_VERSION, Long.toString(credentialVersion));
	}

}
