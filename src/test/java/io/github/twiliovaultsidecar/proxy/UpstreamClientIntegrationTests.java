package io.github.twiliovaultsidecar.proxy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.util.unit.DataSize;

import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.upstream.UpstreamClient;
import io.github.twiliovaultsidecar.upstream.UpstreamObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream client keeps a request on the event loop it was sent from: the answer is handled by
 * the same thread, for every loop, so a proxied request never changes threads on its way to Twilio
 * and back, and a request sent from another thread (a retry after its delay) goes back to the loop
 * of its caller. Against the Twilio stand-in on 127.0.0.1.
 */
class UpstreamClientIntegrationTests {

	private static final String HOST = "api.dublin.ie1.twilio.com";

	private static TwilioStandIn twilio;

	private static ReactorResourceFactory resources;

	private static UpstreamClient client;

	@BeforeAll
	static void start() {
		twilio = TwilioStandIn.start();
		ProxyProperties properties = new ProxyProperties(Set.of("api"), DataSize.ofMegabytes(1), DataSize.ofKilobytes(64),
				null, Duration.ofSeconds(2), 3);
		resources = new ProxyConfiguration().reactorResourceFactory(properties);
		resources.start();
		client = UpstreamClient.pooled(resources, properties.connectTimeout(), URI.create(twilio.baseUrl()),
				UpstreamObserver.NONE);
	}

	@AfterAll
	static void stop() {
		client.close();
		resources.stop();
		twilio.close();
	}

	@Test
	void everyLoopGetsItsAnswerOnItsOwnThread() throws Exception {
		List<EventLoop> loops = loops();
		twilio.clearRequests();
		for (int round = 0; round < 3; round++) {
			for (EventLoop loop : loops) {
				CompletableFuture<Boolean> sameThread = new CompletableFuture<>();
				loop.execute(() -> send().subscribe(status -> sameThread.complete(loop.inEventLoop()),
						sameThread::completeExceptionally));
				assertThat(sameThread.get(10, TimeUnit.SECONDS)).as("answer handled on the sending loop").isTrue();
			}
		}
		assertThat(twilio.requests(recorded -> HOST.equals(recorded.host()))).hasSize(9);
	}

	@Test
	void aRequestSentOffTheLoopsGoesBackToItsCallersLoop() throws Exception {
		List<EventLoop> loops = loops();
		for (int round = 0; round < 2; round++) {
			for (EventLoop loop : loops) {
				CompletableFuture<Boolean> callersThread = new CompletableFuture<>();
				// as a retry does: sent from a timer thread once its delay is over
				Mono.delay(Duration.ofMillis(1))
					.then(send())
					.contextWrite(context -> context.put(EventLoop.class, loop))
					.subscribe(status -> callersThread.complete(loop.inEventLoop()), callersThread::completeExceptionally);
				assertThat(callersThread.get(10, TimeUnit.SECONDS)).as("answer handled on the caller's loop").isTrue();
			}
		}
	}

	@Test
	void theCallersLoopIsTheOneServingItsConnection() throws Exception {
		CompletableFuture<Boolean> servingLoop = new CompletableFuture<>();
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(resources.getLoopResources())
			.handle(new ReactorHttpHandlerAdapter((request, response) -> {
				EventLoop loop = ProxyEntry.callerLoop(request);
				servingLoop.complete(loop != null && loop.inEventLoop() && loops().contains(loop));
				return response.setComplete();
			}))
			.bindNow();
		try {
			java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/")).build(),
					BodyHandlers.discarding());
			assertThat(servingLoop.get(10, TimeUnit.SECONDS)).as("the loop running the handler, one of the shared loops")
				.isTrue();
		}
		finally {
			server.disposeNow();
		}
	}

	@Test
	void aRequestWithoutANativeServerRequestHasNoCallersLoop() {
		assertThat(ProxyEntry.callerLoop(MockServerHttpRequest.get("/api.twilio.com/").build())).isNull();
	}

	@Test
	void aRequestSentOffTheLoopsIsAnsweredToo() {
		assertThat(send().block(Duration.ofSeconds(10))).isEqualTo(401);
	}

	private static List<EventLoop> loops() {
		List<EventLoop> loops = new ArrayList<>();
		for (EventExecutor executor : resources.getLoopResources().onServer(true)) {
			loops.add((EventLoop) executor);
		}
		assertThat(loops).hasSize(3);
		return loops;
	}

	/** @return the status of a GET without credentials (the stand-in answers 401) */
	private static Mono<Integer> send() {
		String path = "/2010-04-01/Accounts/" + TestSids.accountSid() + "/Messages.json";
		return client.exchange(HttpMethod.GET, HOST, path, headers -> headers.set(HttpHeaders.HOST, HOST), Flux.empty(),
				Duration.ofSeconds(5), response -> UpstreamClient.releaseBody(response)
					.thenReturn(response.getStatusCode().value()));
	}

}
