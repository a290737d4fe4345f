package io.github.twiliovaultsidecar.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

import io.micrometer.tracing.Span;
import io.netty.channel.ChannelOption;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;

import io.github.twiliovaultsidecar.SidecarException;

/**
 * Sends signed requests to Twilio's regional hosts over TLS with normal certificate checks, through
 * the sidecar's pooled connection provider and on its event loops, streaming bodies both ways. With
 * an upstream override (tests and demos only) requests go to that base URL instead, keeping the
 * Twilio hostname in {@code Host}.
 * <p>
 * It talks to Spring's Reactor Netty connector directly rather than through {@code WebClient}: the
 * proxy relays bytes and needs none of its codecs, filters or per-request observation, which were a
 * measurable share of the sidecar's cost per request. Tracing is done by {@link ProxyTracing}.
 */
public final class UpstreamClient {

	/** Twilio's answer header telling how many of the account's requests it is processing at once. */
	static final String TWILIO_CONCURRENT_REQUESTS = "Twilio-Concurrent-Requests";

	private final ClientHttpConnector connector;

	private final URI override;

	private final String overrideBase;

	private final ProxyTracing tracing;

	/**
	 * @param resources the event loops and connection pool shared with the HTTP server
	 * @param properties the connect timeout
	 * @param twilio the optional upstream override
	 * @param tracing spans for upstream calls and the {@code traceparent} they carry
	 */
	public UpstreamClient(ReactorResourceFactory resources, ProxyProperties properties, TwilioProperties twilio,
			ProxyTracing tracing) {
		this.connector = new ReactorClientHttpConnector(resources, http -> http
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
			.compress(false));
		this.override = twilio.upstreamOverride();
		String base = (this.override != null) ? this.override.toString() : null;
		this.overrideBase = (base != null && base.endsWith("/")) ? base.substring(0, base.length() - 1) : base;
		this.tracing = tracing;
	}

	/** @return the URL a request for {@code host} and {@code pathAndQuery} is sent to */
	URI uri(String host, String pathAndQuery) {
		if (this.overrideBase != null) {
			return URI.create(this.overrideBase + pathAndQuery);
		}
		return URI.create("https://" + host + pathAndQuery);
	}

	/**
	 * Sends one request and hands the response to {@code handler}, which must consume or release its
	 * body; when the handler fails or is cancelled first, the body is released here.
	 * @param host the Twilio hostname, for the URL and in errors
	 * @param headers writes the complete request headers, {@code Host} included
	 * @param firstByteTimeout longest wait for the response headers
	 * @return what {@code handler} returns; a failure before the response headers arrived becomes an
	 * {@link UpstreamFailure}
	 */
	public <T> Mono<T> exchange(HttpMethod method, String host, String pathAndQuery, Consumer<HttpHeaders> headers,
			Publisher<DataBuffer> body, Duration firstByteTimeout, Function<ClientHttpResponse, Mono<T>> handler) {
		return Mono.deferContextual(context -> {
			ProxyTiming timing = context.getOrDefault(ProxyTiming.class, null);
			Span span = this.tracing.upstream(context, method, host);
			long sent = System.nanoTime();
			return this.connector.connect(method, uri(host, pathAndQuery), request -> {
				headers.accept(request.getHeaders());
				this.tracing.inject(context, span, request.getHeaders());
				request.<HttpClientRequest>getNativeRequest().responseTimeout(firstByteTimeout);
				return request.writeWith(body);
			}).onErrorMap(ex -> !(ex instanceof SidecarException), ex -> UpstreamFailure.classify(host, ex))
				.doOnError(ex -> this.tracing.end(span, ex))
				.flatMap(response -> {
					this.tracing.end(span, response.getStatusCode().value());
					if (timing != null) {
						timing.upstreamAnswered(host, System.nanoTime() - sent);
						timing.twilioConcurrentRequests(response.getHeaders().getFirst(TWILIO_CONCURRENT_REQUESTS));
					}
					return handler.apply(response)
						.onErrorResume(ex -> releaseBody(response).then(Mono.error(ex)))
						.doOnCancel(() -> releaseBody(response).subscribe());
				});
		});
	}

	/** @return completion once {@code response}'s body, if nobody read it yet, has been read and dropped */
	public static Mono<Void> releaseBody(ClientHttpResponse response) {
		return response.getBody().map(DataBufferUtils::release).then().onErrorComplete();
	}

}
