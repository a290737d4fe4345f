package io.github.twiliovaultsidecar.proxy;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.http.HttpHeaders;

/**
 * Which headers cross the proxy, as pure functions over {@link HttpHeaders}. The caller's credentials
 * and cookies never reach Twilio, hop-by-hop headers never cross in either direction, and Twilio's
 * own response headers ({@code Twilio-Request-Id}, {@code Twilio-Concurrent-Requests}…) pass through.
 */
final class HeaderRules {

	/** Hop-by-hop headers (RFC 9110 section 7.6.1), plus the legacy {@code Proxy-Connection}. */
	static final Set<String> HOP_BY_HOP = constant(List.of("Connection", "Keep-Alive", "Proxy-Authenticate",
			"Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"));

	/**
	 * Caller headers never forwarded: credentials, cookies, routing hints the sidecar decides itself,
	 * and encodings it could not check for secrets.
	 */
	static final Set<String> CALLER_ONLY = constant(List.of("Authorization", "Cookie", "Host",
			AccountResolution.ACCOUNT_HEADER, "Accept-Encoding", "Expect", "Forwarded", "X-Forwarded-For",
			"X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Real-IP"));

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
		HttpHeaders out = new HttpHeaders();
		Set<String> listed = connectionListed(caller);
		caller.forEach((name, values) -> {
			if (!HOP_BY_HOP.contains(name) && !CALLER_ONLY.contains(name) && !listed.contains(name)) {
				out.addAll(name, values);
			}
		});
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
		HttpHeaders out = new HttpHeaders();
		Set<String> listed = connectionListed(upstream);
		upstream.forEach((name, values) -> {
			if (!HOP_BY_HOP.contains(name) && !listed.contains(name)
					&& !(bodyRewritten && HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name))) {
				out.addAll(name, values);
			}
		});
		out.set(CREDENTIAL_VERSION, Long.toString(credentialVersion));
		return out;
	}

	/** @return header names a {@code Connection} header lists, which are hop-by-hop too */
	static Set<String> connectionListed(HttpHeaders headers) {
		List<String> values = headers.get(HttpHeaders.CONNECTION);
		if (values == null) {
			return Set.of();
		}
		Set<String> names = caseInsensitive(List.of());
		for (String value : values) {
			for (String token : value.split(",")) {
				if (!token.isBlank()) {
					names.add(token.strip().toLowerCase(Locale.ROOT));
				}
			}
		}
		return names;
	}

	private static Set<String> caseInsensitive(List<String> names) {
		Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		set.addAll(names);
		return set;
	}

	private static Set<String> constant(List<String> names) {
		return Collections.unmodifiableSet(caseInsensitive(names));
	}

}
