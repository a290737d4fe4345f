package io.github.twiliovaultsidecar.aot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.twiliovaultsidecar.SidecarApplication;
import io.github.twiliovaultsidecar.store.CredentialFields;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.web.SampleTraffic;

/**
 * The training run behind the ahead-of-time cache (JDK 25+, JEP 514/515): it starts the service
 * against a stand-in on 127.0.0.1 that answers as Vault (one regional credential) and as Twilio (a
 * fixed JSON page), sends requests through the signing proxy, then stops. The cache so records the
 * classes and method profiles of the request path, not only those of start-up, so a new pod's JIT
 * compiles that path sooner and compiles less start-up code it will never run again.
 *
 * <p>Run on the class path the service will run with, and with the same garbage collector:
 * {@code java -XX:+UseSerialGC -XX:AOTCacheOutput=app.aot -cp app.jar io.github.twiliovaultsidecar.aot.AotTraining}.
 * It needs no Vault, no network and no settings; it exits 0 when every request was answered, else 1.
 */
public final class AotTraining {

	/** How many proxied requests the training run sends by default (a few seconds on two cores). */
	public static final int DEFAULT_REQUESTS = 4000;

	static final String ACCOUNT = "AC" + "0".repeat(28) + "a07c";

	static final String HOST = "api.dublin.ie1.twilio.com";

	private static final CredentialKey KEY = CredentialKey.of(ACCOUNT, "ie1");

	private static final VaultLayout LAYOUT = new VaultLayout("twilio", "");

	private static final int CONCURRENCY = 16;

	/**
	 * The credential's refresh interval during training: short, so the version checks a running
	 * service makes every 30 s (in the background, started by a request) happen many times here and
	 * their branches and types are in the recorded profiles too. Left out, the JIT compiles the request
	 * path without them, and each of the first checks in production sends it back to be compiled again.
	 */
	static final Duration REFRESH_INTERVAL = Duration.ofMillis(100);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private AotTraining() {
	}

	/** @param args an optional number of proxied requests (default {@value #DEFAULT_REQUESTS}) */
	public static void main(String[] args) {
		int requests = (args.length > 0) ? Integer.parseInt(args[0]) : DEFAULT_REQUESTS;
		Report report = run(requests);
		System.out.println("AOT training: " + report);
		System.exit(report.allAnswered() ? 0 : 1);
	}

	/**
	 * Starts the stand-in and the service, sends {@code requests} proxied requests (three of four list
	 * messages, one creates one; the last one after a pause of two refresh intervals) and the probes a
	 * kubelet and Prometheus send, then stops both.
	 * @param requests at least 1
	 * @return what was sent and what the stand-in saw
	 */
	public static Report run(int requests) {
		if (requests < 1) {
			throw new IllegalArgumentException("requests must be at least 1, got " + requests);
		}
		StandIn standIn = new StandIn(HexFormat.of().formatHex(randomBytes(16)));
		DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).handle(standIn::answer).bindNow();
		String base = "http://127.0.0.1:" + server.port();
		ConnectionProvider connections = ConnectionProvider.create("aot-training", CONCURRENCY);
		try (ConfigurableApplicationContext context = SpringApplication.run(SidecarApplication.class,
				"--server.port=0", "--sidecar.mode=local", "--spring.cloud.vault.authentication=TOKEN",
				"--sidecar.vault.mount=" + LAYOUT.mount(), "--sidecar.vault.prefix=" + LAYOUT.prefix(),
				"--spring.cloud.vault.uri=" + base, "--spring.cloud.vault.token=aot-training",
				"--sidecar.twilio.upstream-override=" + base,
				"--sidecar.vault.refresh-interval=" + REFRESH_INTERVAL.toMillis() + "ms")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpClient client = HttpClient.create(connections).baseUrl("http://127.0.0.1:" + port);
			// The last request comes two refresh intervals after the burst, so (from two requests on)
			// it waits for a version check; the checks started ahead run during the burst once it
			// outlasts four fifths of an interval.
			int answered = Flux.range(0, requests - 1)
				.flatMap(i -> send(client, i), CONCURRENCY)
				.concatWith(Mono.delay(REFRESH_INTERVAL.multipliedBy(2)).then(send(client, requests - 1)))
				.filter(status -> status >= 200 && status < 300)
				.count()
				.block(Duration.ofMinutes(5))
				.intValue();
			int probes = Flux.just("/actuator/health/readiness", "/actuator/health/liveness", "/actuator/prometheus")
				.concatMap(path -> client.get().uri(path).responseSingle((response, body) -> Mono.just(response.status().code())))
				.filter(status -> status == 200)
				.count()
				.block(Duration.ofMinutes(1))
				.intValue();
			return new Report(requests, answered, probes == 3, standIn.vaultReads.get(), standIn.versionChecks.get(),
					standIn.signedUpstream.get());
		}
		finally {
			connections.disposeLater().block(Duration.ofSeconds(10));
			server.disposeNow();
		}
	}

	private static Mono<Integer> send(HttpClient client, int i) {
		return SampleTraffic.send(client, "/" + HOST + "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json", i);
	}

	private static byte[] randomBytes(int n) {
		byte[] bytes = new byte[n];
		ThreadLocalRandom.current().nextBytes(bytes);
		return bytes;
	}

	/**
	 * @param requests proxied requests sent
	 * @param answered of those, answered with a 2xx
	 * @param probesAnswered whether the readiness, liveness and Prometheus endpoints answered 200
	 * @param vaultReads credential reads the Vault stand-in answered
	 * @param versionChecks version checks (metadata reads) the Vault stand-in answered
	 * @param signedUpstream requests that reached the Twilio stand-in signed with the training credential
	 */
	public record Report(int requests, int answered, boolean probesAnswered, int vaultReads, int versionChecks,
			int signedUpstream) {

		/** @return whether every proxied request and every probe was answered */
		public boolean allAnswered() {
			return this.answered == this.requests && this.probesAnswered;
		}

	}

	/** Vault's KV v2 API for one credential, and Twilio for everything else. */
	private static final class StandIn {

		private final String authToken;

		private final String basic;

		final AtomicInteger vaultReads = new AtomicInteger();

		final AtomicInteger versionChecks = new AtomicInteger();

		final AtomicInteger signedUpstream = new AtomicInteger();

		StandIn(String authToken) {
			this.authToken = authToken;
			this.basic = "Basic " + Base64.getEncoder()
				.encodeToString((ACCOUNT + ":" + authToken).getBytes(StandardCharsets.UTF_8));
		}

		Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
			String path = request.fullPath();
			if (path.startsWith("/v1/")) {
				return request.receive().then(vault(path, response));
			}
			if (this.basic.equals(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
				this.signedUpstream.incrementAndGet();
			}
			return request.receive().then(json(response,
					request.method().name().equals("POST") ? HttpResponseStatus.CREATED : HttpResponseStatus.OK,
					twilioPage()));
		}

		private Mono<Void> vault(String path, HttpServerResponse response) {
			if (path.equals("/v1/" + LAYOUT.mount() + "/data/" + LAYOUT.prefix() + KEY.relativePath())) {
				this.vaultReads.incrementAndGet();
				return json(response, HttpResponseStatus.OK, Map.of("data", Map.of(
						"data", Map.of(CredentialFields.AUTH_TOKEN, this.authToken, CredentialFields.EDGE, "dublin"),
						"metadata", Map.of("version", 1, "created_time", "2026-01-01T00:00:00Z", "deletion_time", "",
								"destroyed", false))));
			}
			if (path.equals("/v1/" + LAYOUT.mount() + "/metadata/" + LAYOUT.prefix() + KEY.relativePath())) {
				this.versionChecks.incrementAndGet();
				return json(response, HttpResponseStatus.OK, Map.of("data", Map.of("current_version", 1,
						"versions", Map.of("1", Map.of("deletion_time", "", "destroyed", false)))));
			}
			if (path.equals("/v1/auth/token/lookup-self")) {
				return json(response, HttpResponseStatus.OK, Map.of("data", Map.of("policies", new String[] { "default" })));
			}
			return json(response, HttpResponseStatus.NOT_FOUND, Map.of("errors", new String[0]));
		}

		private static Map<String, Object> twilioPage() {
			Map<String, Object> message = Map.of("account_sid", ACCOUNT, "sid", "SM" + "0".repeat(31) + "1",
					"status", "queued", "body", "training", "to", "+15005550006", "from", "+15005550001",
					"uri", "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/SM" + "0".repeat(31) + "1.json");
			return Map.of("messages", new Object[] { message }, "page", 0, "page_size", 2,
					"uri", "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json?PageSize=2&Page=0");
		}

		private static Mono<Void> json(HttpServerResponse response, HttpResponseStatus status, Object body) {
			return response.status(status)
				.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.sendByteArray(Mono.just(JSON.writeValueAsBytes(body)))
				.then();
		}

	}

}
