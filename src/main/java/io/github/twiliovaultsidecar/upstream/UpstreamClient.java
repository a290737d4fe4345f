package io.github.twiliovaultsidecar.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

import io.netty.channel.EventLoop;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ClientHttpResponse;

/**
 * Sends requests to Twilio's regional hosts and hands each response to the caller's handler. The one
 * way any feature calls Twilio: the proxy for callers' requests, seeding for its checks.
 * <p>
 * A request whose Reactor context holds an {@link EventLoop} (under {@code EventLoop.class}) is sent
 * and answered on that loop; one without is sent on the loop running it, or, off the loops, on the
 * loops in turn.
 */
public interface UpstreamClient extends AutoCloseable {

	/** How long an idle pooled connection is kept open before it is closed: the upstream pools' and the webhook forwarder's. */
	Duration MAX_IDLE_TIME = Duration.ofSeconds(50);

	/**
	 * Sends one request and hands the response to {@code handler}, which must consume or release its
	 * body; when the handler fails or is cancelled first, the body is released here.
	 * @param host the Twilio hostname, for the URL and in errors
	 * @param headers sets the request headers, {@code Host} included, over the defaults Reactor Netty
	 * already put there (its {@code Host} from the URL among them): {@code set} or {@code putAll}, not
	 * {@code add}
	 * @param firstByteTimeout longest wait for the response headers
	 * @return what {@code handler} returns; a failure before the response headers arrived becomes an
	 * {@link UpstreamFailure} (a {@link io.github.twiliovaultsidecar.problem.SidecarException} is passed on as it is)
	 */
	<T> Mono<T> exchange(HttpMethod method, String host, String pathAndQuery, Consumer<HttpHeaders> headers,
			Publisher<DataBuffer> body, Duration firstByteTimeout, Function<ClientHttpResponse, Mono<T>> handler);

	/** Closes the client's connections; the event loops are left to whoever owns them. */
	@Override
	void close();

	/**
	 * @param resources the event loops the client sends on, shared with the HTTP server; the returned
	 * client closes its connections when the application stops (a
	 * {@link org.springframework.context.SmartLifecycle} in a phase after the factory's) or on {@link #close()}
	 * @param connectTimeout longest wait for a connection
	 * @param override for tests and demos only: the base URL every request goes to instead of Twilio,
	 * with the Twilio hostname kept in {@code Host}; {@code null} for Twilio itself over TLS
	 * @param observer told about every exchange (tracing, timing); {@link UpstreamObserver#NONE} for none
	 * @return a client with one connection pool per event loop
	 */
	static UpstreamClient pooled(ReactorResourceFactory resources, Duration connectTimeout, URI override,
			UpstreamObserver observer) {
		return new PooledUpstreamClient(resources, connectTimeout, override, observer);
	}

	/** @return completion once {@code response}'s body, if nobody read it yet, has been read and dropped */
	static Mono<Void> releaseBody(ClientHttpResponse response) {
		return response.getBody().map(DataBufferUtils::release).then().onErrorComplete();
	}

}
