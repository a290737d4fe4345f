package io.github.twiliovaultsidecar.webhook;

import java.util.List;
import java.util.Set;

import org.springframework.http.HttpHeaders;

import io.github.twiliovaultsidecar.web.HopByHop;

/** Header rules for forwarding a webhook to an app and the app's answer back. Pure functions. */
final class HopByHopHeaders {

	/** Request headers the client sets for the new connection itself. */
	static final Set<String> SET_BY_CLIENT = HopByHop.caseInsensitive(List.of("Host", "Content-Length"));

	private HopByHopHeaders() {
	}

	/**
	 * @param headers a request's headers as received, not changed
	 * @return a copy for the request to the app: without hop-by-hop headers, headers named in
	 * {@code Connection}, and {@link #SET_BY_CLIENT}
	 */
	static HttpHeaders forRequest(HttpHeaders headers) {
		return HopByHop.without(headers, SET_BY_CLIENT);
	}

	/**
	 * @param headers the app's response headers, not changed
	 * @return a copy without hop-by-hop headers and headers named in {@code Connection}
	 */
	static HttpHeaders forResponse(HttpHeaders headers) {
		return HopByHop.without(headers, Set.of());
	}

}
