package io.github.twiliovaultsidecar.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

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
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.support.Netty4HeadersAdapter;

import io.github.twiliovaultsidecar.problem.SidecarException;

/**
 * {@link UpstreamClient} over TLS with normal certificate checks, through pooled connections on the
 * sidecar's event loops, streaming bodies both ways. With an upstream override (tests and demos only)
 * requests go to that base URL instead, keeping the Twilio hostname in {@code Host}.
 * <p>
 * Each event loop has its own connection pool, and a request is sent from the pool of the loop its
 * caller's connection is served by (the {@link EventLoop} in the Reactor context, else the loop
 * running the request): the caller's connection and the upstream connection are served by the same
 * thread, so no request is handed to another thread on its way to Twilio and back, whatever the
 * number of loops. A request sent off the loops (a retry after its delay, after a Vault read) still
 * goes back to its caller's loop; one without a caller (bulk fetches) takes the lanes in turn.
 * <p>
 * Its connections close when the application stops, before the loops they run on ({@link #getPhase}).
 * <p>
 * It talks to Spring's Reactor Netty connector directly rather than through {@code WebClient}: the
 * proxy relays bytes and needs none of its codecs, filters or per-request observation.
 */
final class PooledUpstreamClient implements UpstreamClient, SmartLifecycle {

	/** Upstream connections per loop; more than the region bulkheads ever let through at once. */
	private static final int CONNECTIONS_PER_LOOP = 500;

	private final ReactorResourceFactory resources;

	private final Function<HttpClient, HttpClient> settings;

	/** One per event loop, made when the first request is sent (the loops start with the server). */
	private volatile List<Lane> lanes;

	private volatile boolean running;

	private final AtomicInteger offLoop = new AtomicInteger();

	private final String overrideBase;

	private final UpstreamObserver observer;

	PooledUpstreamClient(ReactorResourceFactory resources, Duration connectTimeout, URI override,
			UpstreamObserver observer) {
		this.resources = resources;
		int connectMillis = (int) connectTimeout.toMillis();
		this.settings = http -> http.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis).compress(false);
		String base = (override != null) ? override.toString() : null;
		this.overrideBase = (base != null && base.endsWith("/")) ? base.substring(0, base.length() - 1) : base;
		this.observer = observer;
	}

	/** @return the URL a request for {@code host} and {@code pathAndQuery} is sent to */
	private URI uri(String host, String pathAndQuery) {
		if (this.overrideBase != null) {
			return URI.create(this.overrideBase + pathAndQuery);
		}
		return URI.create("https://" + host + pathAndQuery);
	}

	@Override
	public <T> Mono<T> exchange(HttpMethod method, String host, String pathAndQuery, Consumer<HttpHeaders> headers,
			Publisher<DataBuffer> body, Duration firstByteTimeout, Function<ClientHttpResponse, Mono<T>> handler) {
		return Mono.deferContextual(context -> {
			UpstreamObserver.Exchange observed = this.observer.sending(context, method, host);
			long sent = System.nanoTime();
			return lane(context.getOrDefault(EventLoop.class, null)).connector.connect(method, uri(host, pathAndQuery), request -> {
				HttpClientRequest nativeRequest = request.getNativeRequest();
				// Written into Reactor Netty's own headers: the request's HttpHeaders are a separate map
				// that Spring copies into them, header by header, when the request is sent.
				HttpHeaders outgoing = new HttpHeaders(new Netty4HeadersAdapter(nativeRequest.requestHeaders()));
				headers.accept(outgoing);
				observed.headers(outgoing);
				nativeRequest.responseTimeout(firstByteTimeout);
				return request.writeWith(body);
			}).onErrorMap(ex -> {
				Throwable failure = (ex instanceof SidecarException) ? ex : UpstreamFailure.classify(host, ex);
				observed.failed(failure);
				return failure;
			}).flatMap(response -> {
				observed.answered(response.getStatusCode().value(), response.getHeaders(), System.nanoTime() - sent);
				return handler.apply(response)
					.onErrorResume(ex -> UpstreamClient.releaseBody(response).then(Mono.error(ex)))
					.doOnCancel(() -> UpstreamClient.releaseBody(response).subscribe());
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
							.maxIdleTime(MAX_IDLE_TIME)
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

}
