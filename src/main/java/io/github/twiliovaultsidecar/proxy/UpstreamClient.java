package io.github.twiliovaultsidecar.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import io.micrometer.tracing.Span;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.support.Netty4HeadersAdapter;

import io.github.twiliovaultsidecar.SidecarException;

/**
 * Sends signed requests to Twilio's regional hosts over TLS with normal certificate checks, through
 * pooled connections on the sidecar's event loops, streaming bodies both ways. With an upstream
 * override (tests and demos only) requests go to that base URL instead, keeping the Twilio hostname
 * in {@code Host}.
 * <p>
 * Each event loop has its own connection pool, and a request is sent from the pool of the loop its
 * caller's connection is served by (the {@link EventLoop} in the Reactor context, put there by
 * {@link ProxyEntry}, else the loop running the request): the caller's connection and the upstream
 * connection are served by the same thread, so no request is handed to another thread on its way to
 * Twilio and back, whatever the number of loops ({@code sidecar.proxy.event-loops}). With one shared
 * pool, a request picked up whichever loop held the idle connection, a thread hand-off and wake-up
 * each way. A request sent off the loops (a retry after its delay, after a Vault read) still goes
 * back to its caller's loop; one without a caller (bulk fetches) takes the lanes in turn.
 * <p>
 * Its connections close when the application stops, before the loops they run on
 * ({@link #getPhase}).
 * <p>
 * It talks to Spring's Reactor Netty connector directly rather than through {@code WebClient}: the
 * proxy relays bytes and needs none of its codecs, filters or per-request observation, which were a
 * measurable share of the sidecar's cost per request. Tracing is done by {@link ProxyTracing}.
 */
public final class UpstreamClient implements SmartLifecycle, AutoCloseable {

	/** Twilio's answer header telling how many of the account's requests it is processing at once. */
	static final String TWILIO_CONCURRENT_REQUESTS = "Twilio-Concurrent-Requests";

	/** Upstream connections per loop; more than the region bulkheads ever let through at once. */
	private static final int CONNECTIONS_PER_LOOP = 500;

	private final ReactorResourceFactory resources;

	private final Function<HttpClient, HttpClient> settings;

	/** One per event loop, made when the first request is sent (the loops start with the server). */
	private volatile List<Lane> lanes;

	private volatile boolean running;

	private final AtomicInteger offLoop = new AtomicInteger();

	private final URI override;

	private final String overrideBase;

	private final ProxyTracing tracing;

	/**
	 * @param resources the event loops shared with the HTTP server
	 * @param properties the connect timeout
	 * @param twilio the optional upstream override
	 * @param tracing spans for upstream calls and the {@code traceparent} they carry
	 */
	public UpstreamClient(ReactorResourceFactory resources, ProxyProperties properties, TwilioProperties twilio,
			ProxyTracing tracing) {
		this.resources = resources;
		int connectTimeout = (int) properties.connectTimeout().toMillis();
		this.settings = http -> http.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeout).compress(false);
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
	 * @param headers sets the request headers, {@code Host} included, over the defaults Reactor Netty
	 * already put there (its {@code Host} from the URL among them): {@code set} or {@code putAll}, not
	 * {@code add}
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
			return lane(context.getOrDefault(EventLoop.class, null)).connector.connect(method, uri(host, pathAndQuery), request -> {
				HttpClientRequest nativeRequest = request.getNativeRequest();
				// Written into Reactor Netty's own headers: the request's HttpHeaders are a separate map
				// that Spring copies into them, header by header, when the request is sent.
				HttpHeaders outgoing = new HttpHeaders(new Netty4HeadersAdapter(nativeRequest.requestHeaders()));
				headers.accept(outgoing);
				this.tracing.inject(context, span, outgoing);
				nativeRequest.responseTimeout(firstByteTimeout);
				return request.writeWith(body);
			}).onErrorMap(ex -> {
				Throwable failure = (ex instanceof SidecarException) ? ex : UpstreamFailure.classify(host, ex);
				this.tracing.end(span, failure);
				return failure;
			}).flatMap(response -> {
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

	/**
	 * @param callerLoop the loop serving the caller's connection, or {@code null}
	 * @return the lane of {@code callerLoop}, else of the event loop running the request, else (a
	 * request without a caller, sent off the loops) the next lane in turn
	 */
	private Lane lane(EventLoop callerLoop) {
		List<Lane> all = lanes();
		for (Lane lane : all) {
			if ((callerLoop != null) ? lane.loop == callerLoop : lane.loop.inEventLoop()) {
				return lane;
			}
		}
		return all.get(Math.floorMod(this.offLoop.getAndIncrement(), all.size()));
	}

	private List<Lane> lanes() {
		List<Lane> all = this.lanes;
		if (all == null) {
			synchronized (this) {
				all = this.lanes;
				if (all == null) {
					all = new ArrayList<>();
					for (EventExecutor executor : this.resources.getLoopResources().onServer(true)) {
						EventLoop loop = (EventLoop) executor;
						ConnectionProvider pool = ConnectionProvider.builder("sidecar-upstream-" + all.size())
							.maxConnections(CONNECTIONS_PER_LOOP)
							.pendingAcquireMaxCount(-1)
							.maxIdleTime(Duration.ofSeconds(50))
							.build();
						HttpClient client = this.settings.apply(HttpClient.create(pool).runOn(loop));
						all.add(new Lane(loop, pool, new ReactorClientHttpConnector(client)));
					}
					this.lanes = all = List.copyOf(all);
				}
			}
		}
		return all;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Closes the upstream connections; the loops belong to the resource factory. */
	@Override
	public void stop() {
		close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * @return a phase after the resource factory's (0): started after its loops, and stopped, closing
	 * the connections, while the loops still run
	 */
	@Override
	public int getPhase() {
		return 1;
	}

	/** Closes the upstream connections; the loops belong to the resource factory. */
	@Override
	public synchronized void close() {
		this.running = false;
		List<Lane> all = this.lanes;
		this.lanes = null;
		if (all != null) {
			all.forEach(lane -> lane.pool.dispose());
		}
	}

	/** An event loop, its connection pool and the connector sending on it. */
	private record Lane(EventLoop loop, ConnectionProvider pool, ClientHttpConnector connector) {
	}

	/** @return completion once {@code response}'s body, if nobody read it yet, has been read and dropped */
	public static Mono<Void> releaseBody(ClientHttpResponse response) {
		return response.getBody().map(DataBufferUtils::release).then().onErrorComplete();
	}

}
