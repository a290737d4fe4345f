package io.github.twiliovaultsidecar.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

import io.netty.channel.ChannelOption;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Sends signed requests to Twilio's regional hosts over TLS with normal certificate checks, through
 * one pooled connection provider, streaming bodies both ways. With an upstream override (tests and
 * demos only) requests go to that base URL instead, keeping the Twilio hostname in {@code Host}.
 */
public final class UpstreamClient {

	/** Twilio's answer header telling how many of the account's requests it is processing at once. */
	static final String TWILIO_CONCURRENT_REQUESTS = "Twilio-Concurrent-Requests";

	private final WebClient webClient;

	private final URI override;

	/**
	 * @param properties the connect timeout
	 * @param twilio the optional upstream override
	 * @param builder the application's builder (it carries observation, so traces and metrics see
	 * upstream calls); cloned, never changed
	 */
	public UpstreamClient(ProxyProperties properties, TwilioProperties twilio, WebClient.Builder builder) {
		ConnectionProvider pool = ConnectionProvider.builder("twilio-upstream")
			.maxConnections(500)
			.pendingAcquireMaxCount(-1)
			.maxIdleTime(Duration.ofSeconds(50))
			.build();
		HttpClient http = HttpClient.create(pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
			.compress(false);
		this.webClient = builder.clone().clientConnector(new ReactorClientHttpConnector(http)).build();
		this.override = twilio.upstreamOverride();
	}

	/** @return the URL a request for {@code host} and {@code pathAndQuery} is sent to */
	URI uri(String host, String pathAndQuery) {
		if (this.override != null) {
			String base = this.override.toString();
			return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery);
		}
		return URI.create("https://" + host + pathAndQuery);
	}

	/**
	 * Sends one request and hands the response to {@code handler}, which must consume or release its body.
	 * @param host the Twilio hostname, for the URL and in errors
	 * @param firstByteTimeout longest wait for the response headers
	 * @return what {@code handler} returns; a transport failure becomes an {@link UpstreamFailure}
	 */
	public <T> Mono<T> exchange(HttpMethod method, String host, String pathAndQuery, HttpHeaders headers,
			Publisher<DataBuffer> body, Duration firstByteTimeout, Function<ClientResponse, Mono<T>> handler) {
		return Mono.deferContextual(context -> {
			ProxyTiming timing = context.getOrDefault(ProxyTiming.class, null);
			long sent = System.nanoTime();
			return this.webClient.method(method)
				.uri(uri(host, pathAndQuery))
				.headers(out -> out.addAll(headers))
				.httpRequest(request -> request.<HttpClientRequest>getNativeRequest().responseTimeout(firstByteTimeout))
				.body(BodyInserters.fromDataBuffers(body))
				.exchangeToMono((timing != null) ? response -> {
					timing.upstreamAnswered(host, System.nanoTime() - sent);
					timing.twilioConcurrentRequests(response.headers().asHttpHeaders().getFirst(TWILIO_CONCURRENT_REQUESTS));
					return handler.apply(response);
				} : handler);
		}).onErrorMap(WebClientRequestException.class, ex -> UpstreamFailure.classify(host, ex));
	}

}
