package io.github.twiliovaultsidecar.webhook;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.http.HttpHeaders;

/** Header rules for forwarding a webhook to an app and the app's answer back. Pure functions. */
final class HopByHopHeaders {

	/** Hop-by-hop headers (RFC 9110 section 7.6.1), which describe one connection and are never forwarded. */
	static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
			"proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

	/** Request headers the client sets for the new connection itself. */
	static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length");

	private HopByHopHeaders() {
	}

	/**
	 * @param headers a request's headers as received, not changed
	 * @return a copy for the request to the app: without hop-by-hop headers, headers named in
	 * {@code Connection}, and {@link #SET_BY_CLIENT}
	 */
	static HttpHeaders forRequest(HttpHeaders headers) {
		return without(headers, SET_BY_CLIENT);
	}

	/**
	 * @param headers the app's response headers, not changed
	 * @return a copy without hop-by-hop headers and headers named in {@code Connection}
	 */
	static HttpHeaders forResponse(HttpHeaders headers) {
		return without(headers, Set.of());
	}

	private static HttpHeaders without(HttpHeaders headers, Set<String> more) {
		Set<String> dropped = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		dropped.addAll(HOP_BY_HOP);
		dropped.addAll(more);
		for (String connection : headers.getOrEmpty(HttpHeaders.CONNECTION)) {
			for (String token : connection.split(",")) {
				if (!token.isBlank()) {
					dropped.add(token.strip().toLowerCase(Locale.ROOT));
				}
			}
		}
		HttpHeaders copy = new HttpHeaders();
		headers.forEach((name, values) -> {
			if (!dropped.contains(name)) {
				copy.addAll(name, values);
			}
		});
		return copy;
	}

}
