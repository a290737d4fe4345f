package io.github.twiliovaultsidecar.webhook;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;

/**
 * Rebuilds the public URL Twilio called (and signed) from what the sidecar received: the configured
 * public base URL, else the {@code X-Forwarded-Proto}/{@code X-Forwarded-Host} headers when they are
 * trusted, else the request's own scheme and host; followed by the raw path and query as received.
 */
final class PublicUrl {

	static final String FORWARDED_PROTO = "X-Forwarded-Proto";

	static final String FORWARDED_HOST = "X-Forwarded-Host";

	private static final Pattern HOST_AND_PORT = Pattern.compile("([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?");

	private PublicUrl() {
	}

	/**
	 * @param publicBaseUrl the configured base, e.g. {@code https://hooks.example.com/sidecar}; wins when present
	 * @param trustForwardedHeaders whether the forwarded headers may be used
	 * @param headers the request headers
	 * @param requestUri the request URI as the server saw it
	 * @return the URL Twilio signed: base, then the raw path and query of {@code requestUri}
	 * @throws WebhookException when trusted forwarded headers are not a scheme and a host
	 */
	static String of(Optional<String> publicBaseUrl, boolean trustForwardedHeaders, HttpHeaders headers,
			URI requestUri) {
		String base = publicBaseUrl.map(PublicUrl::withoutTrailingSlash)
			.or(() -> trustForwardedHeaders ? forwarded(headers, requestUri) : Optional.empty())
			.orElseGet(() -> requestUri.getScheme() + "://" + requestUri.getRawAuthority());
		String path = Optional.ofNullable(requestUri.getRawPath()).orElse("");
		String query = requestUri.getRawQuery();
		return base + path + ((query != null) ? "?" + query : "");
	}

	private static Optional<String> forwarded(HttpHeaders headers, URI requestUri) {
		String host = first(headers.getFirst(FORWARDED_HOST));
		if (host == null) {
			return Optional.empty();
		}
		String proto = Optional.ofNullable(first(headers.getFirst(FORWARDED_PROTO)))
			.map(value -> value.toLowerCase(Locale.ROOT))
			.orElse(requestUri.getScheme());
		if (!proto.equals("http") && !proto.equals("https")) {
			throw WebhookException.invalidRequest(FORWARDED_PROTO + " must be http or https");
		}
		if (!HOST_AND_PORT.matcher(host).matches()) {
			throw WebhookException.invalidRequest(FORWARDED_HOST + " must be a host name with an optional port");
		}
		return Optional.of(proto + "://" + host);
	}

	/** @return the first of a comma-separated header value, trimmed; {@code null} when absent or empty */
	private static String first(String value) {
		if (value == null) {
			return null;
		}
		String first = value.split(",", 2)[0].strip();
		return first.isEmpty() ? null : first;
	}

	private static String withoutTrailingSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

}
