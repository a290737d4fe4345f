package io.github.twiliovaultsidecar.proxy;

import java.util.List;
import java.util.Set;

import org.springframework.http.HttpHeaders;

import io.github.twiliovaultsidecar.twilio.InvalidTwilioInputException;
import io.github.twiliovaultsidecar.twilio.TwilioHost;
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

	/**
	 * As {@link #callerResponse(HttpHeaders, boolean, long, HttpHeaders)}, with a redirect to a Twilio
	 * host rewritten to the sidecar's path form ({@link #sidecarLocation}).
	 * @param twilioHost the host that answered
	 * @param products the products this deployment allows
	 */
	static void callerResponse(HttpHeaders upstream, boolean bodyRewritten, long credentialVersion, String twilioHost,
			Set<String> products, HttpHeaders into) {
		callerResponse(upstream, bodyRewritten, credentialVersion, into);
		String location = into.getFirst(HttpHeaders.LOCATION);
		if (location != null) {
			into.set(HttpHeaders.LOCATION, sidecarLocation(location, twilioHost, products));
		}
	}

	/**
	 * Where a caller following Twilio's redirect should go. A redirect to a Twilio API host this
	 * deployment allows (absolute {@code https://<host>/<path>}, or a path on the host that
	 * answered) becomes the sidecar's path form {@code /<host>/<path>}, relative to the sidecar, so
	 * the caller stays signed; any other (media on a storage host) is left as it is, and the sidecar
	 * itself never follows a redirect.
	 * @param location the {@code Location} value
	 * @param twilioHost the host that answered
	 * @param products the products this deployment allows
	 * @return the value for the caller
	 */
	static String sidecarLocation(String location, String twilioHost, Set<String> products) {
		String value = location.strip();
		if (value.startsWith("/") && !value.startsWith("//")) {
			return "/" + twilioHost + value;
		}
		if (!value.regionMatches(true, 0, HTTPS, 0, HTTPS.length())) {
			return location;
		}
		int slash = value.indexOf('/', HTTPS.length());
		String host = (slash < 0) ? value.substring(HTTPS.length()) : value.substring(HTTPS.length(), slash);
		String rest = (slash < 0) ? "/" : value.substring(slash);
		try {
			TwilioHost parsed = TwilioHost.parse(host, products);
			return "/" + parsed.hostName() + rest;
		}
		catch (InvalidTwilioInputException ex) {
			return location;
		}
	}

	/**
	 * Asks for JSON only: for a credential-bearing resource ({@link CredentialResources}), whose
	 * other representations are never forwarded, the caller's {@code Accept} is replaced.
	 * @param into the headers to send upstream
	 */
	static void acceptJsonOnly(HttpHeaders into) {
		into.set(HttpHeaders.ACCEPT, "application/json");
	}

	private static final String HTTPS = "https://";

}
