package io.github.twiliovaultsidecar.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.github.twiliovaultsidecar.problem.SidecarException;

/**
 * Refuses a request whose body length cannot be determined reliably before anything else runs
 * (RFC 9112 section 6.3): a {@code Transfer-Encoding} whose last coding is not {@code chunked}, or
 * {@code Transfer-Encoding} together with {@code Content-Length}. Netty treats such a request as
 * having no body and reads the rest of the bytes as the next request, which is how requests are
 * smuggled past a proxy. The answer is a 400 problem detail and the connection is closed.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class MessageFraming implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Optional<String> reason = ambiguity(exchange.getRequest().getHeaders());
		if (reason.isEmpty()) {
			return chain.filter(exchange);
		}
		exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		return ProblemDetails.write(exchange, new AmbiguousFraming(reason.get()));
	}

	/**
	 * @param headers request headers as received
	 * @return why the body length is ambiguous, empty when it is not
	 */
	public static Optional<String> ambiguity(HttpHeaders headers) {
		List<String> encodings = headers.getOrEmpty(HttpHeaders.TRANSFER_ENCODING);
		if (encodings.isEmpty()) {
			return Optional.empty();
		}
		if (headers.containsHeader(HttpHeaders.CONTENT_LENGTH)) {
			return Optional.of("Transfer-Encoding and Content-Length must not both be sent");
		}
		String last = encodings.get(encodings.size() - 1);
		String[] codings = last.split(",");
		if (!codings[codings.length - 1].strip().toLowerCase(Locale.ROOT).equals("chunked")) {
			return Optional.of("the last Transfer-Encoding must be chunked");
		}
		return Optional.empty();
	}

	/**
	 * @param headers request headers as received
	 * @return whether the request may carry a body: a {@code Content-Length} above 0, or a
	 * {@code Transfer-Encoding}. Without either it has none: HTTP/1.1 says so (RFC 9112 section 6.3),
	 * and Netty marks an HTTP/2 request body of unknown length as chunked.
	 */
	public static boolean mayHaveBody(HttpHeaders headers) {
		return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
	}

	/** The problem for an ambiguous request. */
	public static final class AmbiguousFraming extends SidecarException {

		public AmbiguousFraming(String reason) {
			super("ambiguous-request-framing", 400, "Ambiguous request framing",
					"The request body length is ambiguous: " + reason, Map.of(), null);
		}

	}

}
