package io.github.twiliovaultsidecar.web;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.http.HttpHeaders;

/**
 * The one rule for forwarding headers across a hop, shared by the proxy and the webhook front door:
 * hop-by-hop headers (RFC 9110 section 7.6.1) and the headers a {@code Connection} header names
 * describe one connection and never cross. Pure functions.
 */
public final class HopByHop {

	/** Hop-by-hop headers, plus the legacy {@code Proxy-Connection}; compared case-insensitively. */
	public static final Set<String> HEADERS = caseInsensitive(List.of("Connection", "Keep-Alive", "Proxy-Authenticate",
			"Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"));

	private HopByHop() {
	}

	/**
	 * @param headers headers as received, not changed
	 * @param alsoDropped more header names to leave out; a set from {@link #caseInsensitive(List)}, or empty
	 * @return a copy without hop-by-hop headers, the headers {@code Connection} names, and {@code alsoDropped}
	 */
	public static HttpHeaders without(HttpHeaders headers, Set<String> alsoDropped) {
		HttpHeaders copy = new HttpHeaders();
		copy(headers, alsoDropped, copy);
		return copy;
	}

	/**
	 * Sets the headers {@link #without} keeps on {@code into}, e.g. a request or response about to
	 * be sent, without an intermediate copy. A header kept replaces what {@code into} already holds
	 * under its name (an HTTP client's defaults, such as its {@code User-Agent}).
	 * @param headers headers as received, not changed
	 * @param alsoDropped more header names to leave out; a set from {@link #caseInsensitive(List)}, or empty
	 * @param into where the kept headers are set
	 */
	public static void copy(HttpHeaders headers, Set<String> alsoDropped, HttpHeaders into) {
		Set<String> listed = connectionListed(headers);
		headers.forEach((name, values) -> {
			if (!HEADERS.contains(name) && !alsoDropped.contains(name) && !listed.contains(name)) {
				if (into.containsHeader(name)) {
					into.remove(name);
				}
				into.addAll(name, values);
			}
		});
	}

	/**
	 * @return the header names a {@code Connection} header lists besides the hop-by-hop ones, compared
	 * case-insensitively; empty, and no set made, when it lists none (e.g. {@code keep-alive})
	 */
	private static Set<String> connectionListed(HttpHeaders headers) {
		List<String> connection = headers.get(HttpHeaders.CONNECTION);
		if (connection == null) {
			return Set.of();
		}
		Set<String> listed = null;
		for (String value : connection) {
			for (String token : value.split(",")) {
				String name = token.strip();
				if (!name.isEmpty() && !HEADERS.contains(name)) {
					listed = (listed != null) ? listed : new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
					listed.add(name);
				}
			}
		}
		return (listed != null) ? listed : Set.of();
	}

	/** @return an unmodifiable case-insensitive set of header names */
	public static Set<String> caseInsensitive(List<String> names) {
		Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		set.addAll(names);
		return Collections.unmodifiableSet(set);
	}

}
