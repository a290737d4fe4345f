package io.github.twiliovaultsidecar.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;

import io.github.twiliovaultsidecar.SidecarException;

/** Builds the problem detail for a {@link SidecarException}: type, title, status, detail and context. */
public final class ProblemDetails {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProblemDetails() {
	}

	/**
	 * Writes the problem detail as the response, for web filters that answer before any controller.
	 * @param exchange the exchange whose response is not committed yet
	 * @param failure the failure, not {@code null}
	 * @return completion of the write
	 */
	public static Mono<Void> write(ServerWebExchange exchange, SidecarException failure) {
		byte[] body = JSON.writeValueAsString(asMap(failure, exchange.getRequest().getPath().value()))
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponse().setStatusCode(HttpStatus.valueOf(failure.status()));
		exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		closeIfBodyMayBeUnread(exchange);
		return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(body)));
	}

	/**
	 * Asks for the connection to be closed after an error answer to a request that carried a body:
	 * the body may not have been read (a 413, a refusal before the proxy read anything), and a client
	 * that sent the next request on the same connection would have it read as the rest of this one.
	 */
	public static void closeIfBodyMayBeUnread(ServerWebExchange exchange) {
		HttpHeaders request = exchange.getRequest().getHeaders();
		if (request.getContentLength() > 0 || request.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
			exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		}
	}

	/**
	 * @param failure the failure, not {@code null}
	 * @param instance the request path
	 * @return the problem detail as plain members, for code that writes JSON itself (security filters)
	 */
	public static Map<String, Object> asMap(SidecarException failure, String instance) {
		Map<String, Object> members = new LinkedHashMap<>();
		members.put("type", failure.type());
		members.put("title", failure.title());
		members.put("status", failure.status());
		members.put("detail", failure.getMessage());
		members.put("instance", instance);
		members.putAll(failure.context());
		return members;
	}

	/**
	 * @param failure the failure, not {@code null}
	 * @return its problem detail; the detail and properties carry no secret because exceptions never do
	 */
	public static ProblemDetail of(SidecarException failure) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(failure.status()),
				failure.getMessage());
		problem.setType(URI.create(failure.type()));
		problem.setTitle(failure.title());
		failure.context().forEach(problem::setProperty);
		return problem;
	}

}
