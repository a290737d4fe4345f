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
	 * @return the headers to send upstream
	 */
	static HttpHeaders upstreamRequest(HttpHeaders caller, String twilioHost, String authorization) {
		HttpHeaders out = HopByHop.without(caller, CALLER_ONLY);
		out.set(HttpHeaders.HOST, twilioHost);
		out.set(HttpHeaders.AUTHORIZATION, authorization);
		return out;
	}

	/**
	 * @param upstream Twilio's response headers
	 * @param bodyRewritten whether the body is rewritten, so its length is no longer known
	 * @param credentialVersion the KV version used
	 * @return the headers to send to the caller
	 */
	static HttpHeaders callerResponse(HttpHeaders upstream, boolean bodyRewritten, long credentialVersion) {
		HttpHeaders out = HopByHop.without(upstream, bodyRewritten ? LENGTH : Set.of());
		out.set(CREDENTIAL_VERSION, Long.toString(credentialVersion));
		return out;
	}

}
