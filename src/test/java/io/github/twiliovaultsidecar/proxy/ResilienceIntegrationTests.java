package io.github.twiliovaultsidecar.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.MutableClock;
import io.github.twiliovaultsidecar.support.TestClockConfiguration;
import io.github.twiliovaultsidecar.support.RawHttp;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.TwilioStandIn.Fault;
import io.github.twiliovaultsidecar.support.TwilioStandIn.Recorded;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault injection against the Twilio stand-in: per-host breakers and bulkheads, retries that never
 * duplicate a POST, and the per-account concurrency limit. Each test uses its own edge, so each has
 * its own breaker and bulkhead; the breaker's wait is driven by a test clock.
 */
@RealVault
@Import(TestClockConfiguration.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResilienceIntegrationTests {

	private static final TwilioStandIn twilio = TwilioStandIn.start();

	/** The account whose concurrency limit is lowered to 10 for the burst test. */
	private static final String BURST_ACCOUNT = TestSids.accountSid();

	/** An account allowed two requests at a time. */
	private static final String TWO_AT_A_TIME = TestSids.accountSid();

	private static final String FORM = "application/x-www-form-urlencoded";

	private static final String SMS = "To=%2B15005550006&From=%2B15005550001&Body=once";

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	private CapturingCaller caller;

	private String account;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.resilience.breaker.minimum-calls", () -> "4");
		registry.add("sidecar.resilience.breaker.window-size", () -> "4");
		registry.add("sidecar.resilience.breaker.wait-in-open", () -> "30s");
		registry.add("sidecar.resilience.breaker.probe-calls", () -> "1");
		registry.add("sidecar.resilience.bulkhead.max-concurrent", () -> "12");
		registry.add("sidecar.resilience.retry.initial-backoff", () -> "10ms");
		registry.add("sidecar.resilience.retry.max-retry-after", () -> "2s");
		registry.add("sidecar.resilience.accounts.limits." + BURST_ACCOUNT, () -> "10");
		registry.add("sidecar.resilience.accounts.limits." + TWO_AT_A_TIME, () -> "2");
		registry.add("sidecar.resilience.accounts.queue-timeout", () -> "10s");
		registry.add("sidecar.resilience.timeouts.first-byte", () -> "1s");
		registry.add("sidecar.resilience.timeouts.regions.ie1.first-byte", () -> "10s");
	}

	@BeforeEach
	void seed(VaultServer vault) {
		this.caller = new CapturingCaller("http://127.0.0.1:" + this.port);
		this.account = TestSids.accountSid();
		CredentialStore store = CredentialStore.vault(vault.rootTemplate(), new VaultLayout("twilio", ""));
		for (String account : List.of(this.account, BURST_ACCOUNT, TWO_AT_A_TIME)) {
			for (String region : List.of("us1", "ie1", "au1")) {
				if (store.currentVersion(CredentialKey.of(account, region)).isEmpty()) {
					String token = TestSids.authToken();
					store.write(CredentialKey.of(account, region), Map.of("auth_token", token), SeedMetadata.NONE, 0);
					twilio.authToken(account, region, token);
				}
			}
		}
		twilio.clearFaults();
		twilio.clearRequests();
	}

	@AfterAll
	static void stop() {
		twilio.close();
	}

	@Test
	void aFailingRegionOpensItsBreakerAndFailsFastWhileOtherRegionsKeepWorking() {
		String ie1 = "api.dublin.ie1.twilio.com";
		twilio.fault(ie1, Fault.failWith(503));
		HttpResponse<String> response = null;
		for (int i = 0; i < 4 && (response == null || response.statusCode() != 503 || !isProblem(response)); i++) {
			response = get(ie1);
		}
		assertThat(response.body()).contains("region-unavailable");
		assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
		twilio.clearRequests();
		List<Long> millis = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			long started = System.nanoTime();
			assertThat(get(ie1).statusCode()).isEqualTo(503);
			millis.add((System.nanoTime() - started) / 1_000_000);
		}
		assertThat(twilio.requests()).as("an open breaker sends nothing upstream").isEmpty();
		assertThat(millis.stream().sorted().toList().get(2)).as("median fail-fast latency in ms").isLessThan(50);
		assertThat(get("api.twilio.com").statusCode()).isEqualTo(200);
		assertThat(get("api.sydney.au1.twilio.com").statusCode()).isEqualTo(200);

		twilio.clearFaults();
		this.clock.advance(Duration.ofSeconds(31));
		HttpResponse<String> probe = get(ie1);
		assertThat(probe.statusCode()).as("the probe after the wait closes the breaker: %s", probe.body()).isEqualTo(200);
		assertThat(get(ie1).statusCode()).isEqualTo(200);
	}

	@Test
	void aSlowRegionFillsOnlyItsOwnBulkheadAndDoesNotDelayOtherRegions() throws Exception {
		String slow = "api.frankfurt.ie1.twilio.com";
		twilio.fault(slow, Fault.delay(5000));
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		HttpClient http = HttpClient.newHttpClient();
		for (int i = 0; i < 12; i++) {
			held.add(http.sendAsync(request(slow), HttpResponse.BodyHandlers.ofString()));
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
		while (twilio.requests(r -> slow.equals(r.host())).size() < 12 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		HttpResponse<String> refused = get(slow);
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.body()).contains("region-busy");
		for (int i = 0; i < 5; i++) {
			long started = System.nanoTime();
			assertThat(get("api.twilio.com").statusCode()).isEqualTo(200);
			assertThat((System.nanoTime() - started) / 1_000_000).as("US1 latency in ms").isLessThan(1000);
		}
		for (CompletableFuture<HttpResponse<String>> call : held) {
			assertThat(call.get().statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aPostThatGetsA500IsSentExactlyOnce() {
		String host = "api.sydney.au1.twilio.com";
		twilio.fault(host, Fault.failWith(500));
		HttpResponse<String> response = post(host);
		assertThat(response.statusCode()).as("Twilio's error passes through").isEqualTo(500);
		assertThat(posts(host)).hasSize(1);
	}

	@Test
	void aPostWhoseConnectionIsResetAfterSendingIsSentExactlyOnce() {
		String host = "api.singapore.au1.twilio.com";
		twilio.fault(host, Fault.resetConnection());
		HttpResponse<String> response = post(host);
		assertThat(response.statusCode()).isEqualTo(502);
		assertThat(response.body()).contains("upstream-connection-broken");
		assertThat(posts(host)).hasSize(1);
	}

	@Test
	void aPostThatTimesOutIsSentExactlyOnce() {
		String host = "api.tokyo.au1.twilio.com";
		twilio.fault(host, Fault.delay(2000));
		HttpResponse<String> response = post(host);
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.body()).contains("upstream-timeout");
		assertThat(posts(host)).hasSize(1);
	}

	@Test
	void aPostRefusedWithTwilios20429IsRetriedOnceAfterRetryAfter() {
		String host = "api.ashburn.us1.twilio.com";
		twilio.fault(host, Fault.concurrencyLimit("1", 1));
		long started = System.nanoTime();
		HttpResponse<String> response = post(host);
		long elapsed = (System.nanoTime() - started) / 1_000_000;
		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(elapsed).as("waited for Retry-After: 1").isGreaterThanOrEqualTo(1000);
		List<Recorded> posts = posts(host);
		assertThat(posts).hasSize(2);
		assertThat(posts.get(0).body()).isEqualTo(posts.get(1).body());
	}

	@Test
	void aGetThatGets503sIsRetriedWithBackoffUpToTheLimit() {
		String host = "api.roaming.us1.twilio.com";
		twilio.fault(host, Fault.failWith(503));
		HttpResponse<String> response = get(host);
		assertThat(response.statusCode()).as("Twilio's last error passes through").isEqualTo(503);
		assertThat(isProblem(response)).isFalse();
		assertThat(twilio.requests(r -> host.equals(r.host()))).hasSize(3);
	}

	@Test
	void aGetSentWithoutContentLengthIsRetriedLikeAnyOther() {
		String host = "api.sao-paulo.us1.twilio.com";
		twilio.fault(host, Fault.failWith(503));
		RawHttp.Answer answer = new RawHttp(this.port).send("GET /" + host + "/2010-04-01/Accounts/" + this.account
				+ "/Messages.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
		assertThat(answer.status()).as("Twilio's last error passes through").isEqualTo(503);
		assertThat(twilio.requests(r -> host.equals(r.host()))).as("sent, then retried up to the limit").hasSize(3);
	}

	@Test
	void everyFinishedRequestGivesItsAccountPermitBack() {
		for (int i = 0; i < 6; i++) {
			HttpResponse<String> response = this.caller.send("GET",
					"/api.twilio.com/2010-04-01/Accounts/" + TWO_AT_A_TIME + "/Messages.json", null);
			assertThat(response.statusCode()).as("request %d of an account allowed two at a time", i + 1).isEqualTo(200);
		}
	}

	@Test
	void aBurstOf200ForOneAccountNeverHasMoreThanItsLimitInFlight() throws Exception {
		String host = "api.umatilla.us1.twilio.com";
		twilio.fault(host, Fault.delay(50));
		HttpClient http = HttpClient.newHttpClient();
		List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			burst.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/" + host
					+ "/2010-04-01/Accounts/" + BURST_ACCOUNT + "/Messages.json")).build(),
					HttpResponse.BodyHandlers.ofString()));
		}
		int ok = 0;
		for (CompletableFuture<HttpResponse<String>> call : burst) {
			HttpResponse<String> response = call.get();
			if (response.statusCode() == 200) {
				ok++;
			}
			else {
				assertThat(response.statusCode()).isEqualTo(429);
				assertThat(response.body()).contains("account-concurrency-limit");
			}
		}
		assertThat(ok).isGreaterThan(0);
		assertThat(twilio.requests(r -> host.equals(r.host()))).hasSize(ok);
		assertThat(twilio.maxInFlight()).isBetween(2, 10);
	}

	private HttpResponse<String> get(String host) {
		return this.caller.send("GET", "/" + host + "/2010-04-01/Accounts/" + this.account + "/Messages.json", null);
	}

	private HttpRequest request(String host) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/" + host + "/2010-04-01/Accounts/"
				+ this.account + "/Messages.json")).build();
	}

	private HttpResponse<String> post(String host) {
		return this.caller.send("POST", "/" + host + "/2010-04-01/Accounts/" + this.account + "/Messages.json", SMS,
				"Content-Type", FORM);
	}

	private List<Recorded> posts(String host) {
		return twilio.requests(r -> r.method().equals("POST") && host.equals(r.host()));
	}

	private static boolean isProblem(HttpResponse<String> response) {
		return response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
	}

}
