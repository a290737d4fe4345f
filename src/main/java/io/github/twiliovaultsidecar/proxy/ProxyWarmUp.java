package io.github.twiliovaultsidecar.proxy;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.security.CallerAccess;
import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.twilio.Secret;
import io.github.twiliovaultsidecar.upstream.UpstreamClient;
import io.github.twiliovaultsidecar.web.SampleTraffic;

/**
 * Sends requests through the proxy path before readiness goes UP, so that a new pod's first callers
 * meet code the JIT has compiled rather than the interpreter. It runs as an {@link ApplicationRunner}:
 * Spring Boot reports readiness only once the runners are done.
 * <p>
 * The requests go through the classes a caller's request goes through (a Reactor Netty server on the
 * service's event loops, {@link ProxyEntry}, {@link SigningProxy}, the pooled upstream client, the
 * relay and its redaction, whole and streamed) but touch none of the service's state: they are sent
 * to a server on 127.0.0.1 that lives only for the warm-up, signed with an Auth Token made for it and
 * held only in memory, answered by a stand-in for Twilio on 127.0.0.1, with breakers, account permits
 * and meters of their own, no audit line and no span. Nothing reaches Vault or Twilio. The warm-up is
 * bounded by {@link WarmUpProperties#requests} and {@link WarmUpProperties#timeout}: past the timeout
 * no request is sent and those in flight are answered. When it stops early or a request fails, that is
 * logged and readiness goes UP all the same.
 */
final class ProxyWarmUp implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(ProxyWarmUp.class);

	/** One request in this many is answered with a chunked body, which the relay streams. */
	private static final int STREAMED_EVERY = 8;

	private final WarmUpProperties settings;

	private final ProxyProperties properties;

	private final ResilienceProperties resilience;

	private final ReactorResourceFactory resources;

	private final VaultLayout layout;

	private final Clock clock;

	private volatile Report report;

	ProxyWarmUp(WarmUpProperties settings, ProxyProperties properties, ResilienceProperties resilience,
			ReactorResourceFactory resources, VaultLayout layout, Clock clock) {
		this.settings = settings;
		this.properties = properties;
		this.resilience = resilience;
		this.resources = resources;
		this.layout = layout;
		this.clock = clock;
	}

	/**
	 * What one warm-up did.
	 *
	 * @param sent requests that completed (answered or failed)
	 * @param answered requests answered with a 2xx
	 * @param millis how long it took
	 * @param stoppedEarly whether the timeout stopped it before every request was sent
	 */
	record Report(int sent, int answered, long millis, boolean stoppedEarly) {

		static final Report OFF = new Report(0, 0, 0, false);

	}

	@Override
	public void run(ApplicationArguments args) {
		if (!this.settings.enabled()) {
			this.report = Report.OFF;
			return;
		}
		Report done = warmUp();
		this.report = done;
		if (done.stoppedEarly() || done.answered() < done.sent()) {
			log.warn("Proxy warm-up: {} of {} requests answered in {} ms (timeout {}); readiness goes UP all the same",
					done.answered(), this.settings.requests(), done.millis(), this.settings.timeout());
		}
		else {
			log.info("Proxy warm-up: {} requests through the proxy path in {} ms before readiness", done.answered(),
					done.millis());
		}
	}

	/** @return the last warm-up's report, {@code null} before it ran */
	Report report() {
		return this.report;
	}

	private Report warmUp() {
		long started = System.nanoTime();
		SecureRandom random = new SecureRandom();
		String account = "AC" + hex(random, 16);
		String host = product() + ".dublin.ie1.twilio.com";
		Secret token = Secret.of(hex(random, 16));
		CredentialCache credentials = CredentialCache.holding(CredentialKey.of(account, "ie1"), token);
		LoopResources loops = this.resources.getLoopResources();
		DisposableServer twilio = HttpServer.create().host("127.0.0.1").port(0).runOn(loops).handle(ProxyWarmUp::twilio)
			.bindNow();
		UpstreamClient upstream = UpstreamClient.pooled(this.resources, this.properties.connectTimeout(),
				URI.create("http://127.0.0.1:" + twilio.port()), new UpstreamObservation(ProxyTracing.OFF));
		DisposableServer server = null;
		ConnectionProvider connections = ConnectionProvider.create("sidecar-warm-up", this.settings.concurrency());
		try {
			server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
				.handle(new ReactorHttpHandlerAdapter(entry(credentials, upstream)))
				.bindNow();
			HttpClient client = HttpClient.create(connections).runOn(loops).baseUrl("http://127.0.0.1:" + server.port());
			String messages = "/" + host + "/2010-04-01/Accounts/" + account + "/Messages.json";
			int[] counts = new int[2];
			long deadline = System.nanoTime() + this.settings.timeout().toNanos();
			// Past the timeout no request is sent; those in flight are answered, not cut off.
			Flux.range(0, this.settings.requests())
				.takeWhile(i -> System.nanoTime() < deadline)
				.flatMap(i -> SampleTraffic.send(client, messages, i), this.settings.concurrency())
				.doOnNext(status -> {
					counts[0]++;
					counts[1] += (status >= 200 && status < 300) ? 1 : 0;
				})
				.then()
				.block(this.settings.timeout().plus(this.resilience.timeouts().total()).plusSeconds(5));
			return new Report(counts[0], counts[1], (System.nanoTime() - started) / 1_000_000,
					counts[0] < this.settings.requests());
		}
		catch (RuntimeException ex) {
			log.warn("Proxy warm-up failed: {}", ex.toString());
			return new Report(0, 0, (System.nanoTime() - started) / 1_000_000, true);
		}
		finally {
			connections.disposeLater().block(Duration.ofSeconds(5));
			if (server != null) {
				server.disposeNow(Duration.ofSeconds(5));
			}
			upstream.close();
			twilio.disposeNow(Duration.ofSeconds(5));
		}
	}

	/** @return the proxy's entry over the warm-up's own credential, upstream, guards, permits and meters */
	private HttpHandler entry(CredentialCache credentials, UpstreamClient upstream) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		AuditLog audit = AuditLog.silent();
		CallerAccess access = CallerAccess.local(audit);
		ProxyMetrics metrics = new ProxyMetrics(meters, this.properties.products());
		SigningProxy proxy = new SigningProxy(this.properties, credentials, this.layout, upstream, this.resilience,
				new RegionGuards(this.resilience, this.clock),
				new AccountPermits(this.resilience.accounts(), metrics::accountLimited), this.clock, access, audit,
				new Redaction(credentials::held, credentials::changes, CredentialResources.shipped(), meters));
		HttpHandler notFound = (request, response) -> {
			response.setStatusCode(HttpStatus.NOT_FOUND);
			return response.setComplete();
		};
		return new ProxyEntry(notFound, proxy, metrics, access, ProxyTracing.OFF);
	}

	/** @return {@code api} when callers may reach it, else the first product they may */
	private String product() {
		return this.properties.products().contains("api") ? "api" : this.properties.products().iterator().next();
	}

	/** Twilio's side: a page of messages for a GET, the message created for a POST. */
	private static Mono<Void> twilio(HttpServerRequest request, HttpServerResponse response) {
		boolean created = "POST".equals(request.method().name());
		String path = request.uri();
		String body = "{\"sid\":\"SM" + "0".repeat(31) + "1\",\"status\":\"queued\",\"body\":\"warm-up\","
				+ "\"to\":\"+15005550006\",\"from\":\"+15005550001\",\"uri\":\"" + path.replace("\"", "") + "\"}";
		String page = created ? body : "{\"messages\":[" + body + "," + body + "],\"page_size\":2,\"uri\":\""
				+ path.replace("\"", "") + "\"}";
		HttpServerResponse answer = response.status(created ? HttpResponseStatus.CREATED : HttpResponseStatus.OK)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
		boolean streamed = path.hashCode() % STREAMED_EVERY == 0;
		if (streamed) {
			int half = page.length() / 2;
			return request.receive().then(answer.sendString(Flux.just(page.substring(0, half), page.substring(half))).then());
		}
		return request.receive().then(answer.sendString(Mono.just(page)).then());
	}

	private static String hex(SecureRandom random, int bytes) {
		byte[] value = new byte[bytes];
		random.nextBytes(value);
		return HexFormat.of().formatHex(value);
	}

}
