package io.github.twiliovaultsidecar.web;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import io.github.twiliovaultsidecar.problem.SidecarException;

/**
 * Builds the problem detail for a {@link SidecarException}: the RFC 9457 members (type, title, status,
 * detail, instance), the failure's context, and two extension members the official Twilio SDKs read from
 * an error body: {@value #MESSAGE} (the detail) and {@value #MORE_INFO} (where the problem is documented).
 * No Twilio {@code code} is ever added: the SDKs then show the HTTP status, not an invented Twilio error.
 */
public final class ProblemDetails {

	/** Extension member holding the detail, which twilio-java, twilio-node and twilio-python show as the error's message. */
	public static final String MESSAGE = "message";

	/** Extension member naming where the problem is documented, which the SDKs show as the error's "more info". */
	public static final String MORE_INFO = "more_info";

	/** Where every problem is documented: the anchor after it is the problem's short name. */
	public static final String DOCS = "docs/calling-twilio.md#";

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
		return write(exchange.getRequest(), exchange.getResponse(), failure);
	}

	/**
	 * Writes the problem detail as the response, with {@code Retry-After} when the failure has one,
	 * for code that answers outside Spring's handler chain (the proxy's entry point).
	 * @param request the request answered
	 * @param response its response, not committed yet
	 * @param failure the failure, not {@code null}
	 * @return completion of the write
	 */
	public static Mono<Void> write(ServerHttpRequest request, ServerHttpResponse response, SidecarException failure) {
		byte[] body = JSON.writeValueAsBytes(asMap(failure, request.getPath().value()));
		response.setStatusCode(HttpStatus.valueOf(failure.status()));
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		failure.retryAfterSeconds().ifPresent(seconds -> headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
		closeIfBodyMayBeUnread(request.getHeaders(), headers);
		Mono<Void> write = response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
		// A body whose framing is ambiguous is never read: where it ends is what is in doubt.
		return (failure instanceof MessageFraming.AmbiguousFraming) ? write : swallowUnreadBody(request).then(write);
	}

	/** The most of an unread request body read and dropped before an error answer (as Tomcat's maxSwallowSize). */
	static final long SWALLOW_BYTES = 2 * 1024 * 1024;

	private static final Duration SWALLOW_TIME = Duration.ofSeconds(2);

	/**
	 * Reads and drops what is left of a request body of up to {@link #SWALLOW_BYTES}, for at most 2 s,
	 * before an error answer: a client that only reads once it has sent its whole body (the JDK's and
	 * Apache's clients) then gets the answer instead of a reset from a connection closed under it.
	 * A larger body is not read; a body already read (or being read) completes at once.
	 * @return completion once the body is dropped, or the bound is reached
	 */
	public static Mono<Void> swallowUnreadBody(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		long declared = headers.getContentLength();
		if (!MessageFraming.mayHaveBody(headers) || declared > SWALLOW_BYTES) {
			return Mono.empty();
		}
		return DataBufferUtils.takeUntilByteCount(request.getBody(), SWALLOW_BYTES)
			.doOnNext(DataBufferUtils::release)
			.then()
			.timeout(SWALLOW_TIME, Mono.empty())
			.onErrorComplete();
	}

	/**
	 * Asks for the connection to be closed after an error answer to a request that carried a body:
	 * the body may not have been read (a 413, a refusal before the proxy read anything), and a client
	 * that sent the next request on the same connection would have it read as the rest of this one.
	 */
	public static void closeIfBodyMayBeUnread(ServerWebExchange exchange) {
		closeIfBodyMayBeUnread(exchange.getRequest().getHeaders(), exchange.getResponse().getHeaders());
	}

	private static void closeIfBodyMayBeUnread(HttpHeaders request, HttpHeaders response) {
		if (MessageFraming.mayHaveBody(request)) {
			response.set(HttpHeaders.CONNECTION, "close");
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
		members.put(MESSAGE, failure.getMessage());
		members.put(MORE_INFO, moreInfo(failure));
		return members;
	}

	/**
	 * Adds the {@value #MESSAGE} member (the detail) to a problem detail made by the framework rather than
	 * from a {@link SidecarException}, unless it has one or has no detail.
	 * @param problem the problem detail, not {@code null}
	 */
	static void addMessage(ProblemDetail problem) {
		boolean hasMessage = problem.getProperties() != null && problem.getProperties().containsKey(MESSAGE);
		if (problem.getDetail() != null && !hasMessage) {
			problem.setProperty(MESSAGE, problem.getDetail());
		}
	}

	/**
	 * @param failure the failure, not {@code null}
	 * @return where its problem is documented: {@link #DOCS} followed by {@link SidecarException#problem()}
	 */
	public static String moreInfo(SidecarException failure) {
		return DOCS + failure.problem();
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
		problem.setProperty(MESSAGE, failure.getMessage());
		problem.setProperty(MORE_INFO, moreInfo(failure));
		return problem;
	}

}
