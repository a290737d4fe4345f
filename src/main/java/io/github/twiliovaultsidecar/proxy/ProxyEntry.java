package io.github.twiliovaultsidecar.proxy;

import io.micrometer.tracing.Span;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;

import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.security.CallerAccess;
import io.github.twiliovaultsidecar.web.MessageFraming;
import io.github.twiliovaultsidecar.web.ProblemDetails;

/**
 * The proxy's entry point, placed in front of Spring's web handler chain: a request whose first path
 * segment holds a dot ({@code METHOD /<twilio-host>/<path>?<query>}) is handled here, anything else
 * ({@code /actuator}, {@code /admin}, {@code /webhooks}) goes on to Spring's chain.
 * <p>
 * A proxied request pays only for what the proxy needs: framing check, caller authentication (a JWT
 * in shared mode), the signing proxy, its meters, audit line and span; it never passes through
 * Spring's dispatcher, filter chain or per-request observations. What those give the other paths is
 * done here for the proxy: failures become problem details, the strict path rules live in
 * {@link ProxyTarget}, the method allow-list in {@link SigningProxy}.
 */
final class ProxyEntry implements HttpHandler {

	private static final Logger log = LoggerFactory.getLogger(ProxyEntry.class);

	private final HttpHandler next;

	private final SigningProxy proxy;

	private final ProxyMetrics metrics;

	private final CallerAccess access;

	private final ProxyTracing tracing;

	ProxyEntry(HttpHandler next, SigningProxy proxy, ProxyMetrics metrics, CallerAccess access, ProxyTracing tracing) {
		this.next = next;
		this.proxy = proxy;
		this.metrics = metrics;
		this.access = access;
		this.tracing = tracing;
	}

	/** @return whether {@code path}'s first segment holds a dot, i.e. names a Twilio host; {@code false} for {@code null} */
	static boolean isProxyPath(String path) {
		for (int i = 1; path != null && i < path.length(); i++) {
			char c = path.charAt(i);
			if (c == '.') {
				return true;
			}
			if (c == '/') {
				return false;
			}
		}
		return false;
	}

	@Override
	public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
		if (!isProxyPath(request.getURI().getRawPath())) {
			return this.next.handle(request, response);
		}
		HttpMethod method = request.getMethod();
		HttpHeaders headers = request.getHeaders();
		ProxyTiming timing = this.metrics.start(method, response);
		Span span = this.tracing.server(method, headers);
		timing.traceId(ProxyTracing.traceId(span, headers));
		Mono<Void> handled = Mono.defer(() -> {
			String ambiguity = MessageFraming.ambiguity(headers).orElse(null);
			if (ambiguity != null) {
				response.getHeaders().set(HttpHeaders.CONNECTION, "close");
				return Mono.error(new MessageFraming.AmbiguousFraming(ambiguity));
			}
			return this.access.caller(headers).flatMap(caller -> this.proxy.forward(request, response, caller, timing));
		}).onErrorResume(failure -> answer(request, response, failure)).doFinally(signal -> timing.responded());
		if (span != null) {
			handled = handled.doFinally(signal -> this.tracing.end(span, statusOf(response)))
				.contextWrite(context -> context.put(Span.class, span));
		}
		EventLoop loop = callerLoop(request);
		return handled.contextWrite((loop != null)
				? context -> context.put(ProxyTiming.class, timing).put(EventLoop.class, loop)
				: context -> context.put(ProxyTiming.class, timing));
	}

	/**
	 * @return the event loop serving the caller's connection, for the upstream client to send on
	 * the same one, or {@code null} on a server other than Reactor Netty
	 */
	static EventLoop callerLoop(ServerHttpRequest request) {
		try {
			Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
			return (nativeRequest instanceof Connection connection) ? connection.channel().eventLoop() : null;
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// no native request (another server, or a mock)
			return null;
		}
	}

	/**
	 * Answers a failure with its problem detail ({@link ProblemDetails#write}, which first drops a
	 * request body nobody read yet, so the caller gets the answer instead of a reset).
	 */
	private Mono<Void> answer(ServerHttpRequest request, ServerHttpResponse response, Throwable failure) {
		if (response.isCommitted()) {
			// Part of the answer is on its way: the connection is closed to show it is incomplete.
			return Mono.error(failure);
		}
		SidecarException problem;
		if (failure instanceof SidecarException known) {
			problem = known;
		}
		else {
			log.error("Proxying {} failed", request.getMethod(), failure);
			problem = ProxyException.internal();
		}
		return ProblemDetails.write(request, response, problem);
	}

	private static int statusOf(ServerHttpResponse response) {
		return (response.getStatusCode() != null) ? response.getStatusCode().value() : 200;
	}

}
