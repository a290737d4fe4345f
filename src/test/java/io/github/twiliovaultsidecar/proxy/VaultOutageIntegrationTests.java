package io.github.twiliovaultsidecar.proxy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
import io.github.twiliovaultsidecar.support.DedicatedVault;
import io.github.twiliovaultsidecar.support.MutableClock;
import io.github.twiliovaultsidecar.support.TestClockConfiguration;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Vault outage end to end, with a Vault of this test's own that it stops and starts: the service
 * starts without Vault (live, not ready), becomes ready once Vault answers, serves cached credentials
 * through an outage while staying ready, fails with 503 past the maximum staleness (driven by a test
 * clock), and heals without a restart when Vault is back.
 */
@RealVault
@Import(TestClockConfiguration.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class VaultOutageIntegrationTests {

	private static final DedicatedVault vault = DedicatedVault.create();

	private static final TwilioStandIn twilio = TwilioStandIn.start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String ACCOUNT = TestSids.accountSid();

	private static final String TOKEN = TestSids.authToken();

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.cloud.vault.uri", vault::address);
		registry.add("spring.cloud.vault.token", vault::rootToken);
		registry.add("sidecar.twilio.upstream-override", twilio::baseUrl);
		registry.add("sidecar.vault.refresh-interval", () -> "30s");
		registry.add("sidecar.vault.max-staleness", () -> "15m");
		registry.add("sidecar.vault.breaker-wait", () -> "5s");
		// The readiness details this test reads are shown only to authorized callers by default.
		registry.add("management.endpoint.health.show-details", () -> "always");
		twilio.authToken(ACCOUNT, "ie1", TOKEN);
	}

	@AfterAll
	static void stop() throws InterruptedException {
		vault.close();
		twilio.close();
	}

	@Test
	void theServiceRidesOutAVaultOutageAndHealsWithoutARestart() throws Exception {
		CapturingCaller caller = new CapturingCaller("http://127.0.0.1:" + this.port);
		String messages = "/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";

		assertThat(caller.send("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		HttpResponse<String> notReady = caller.send("GET", "/actuator/health/readiness", null);
		assertThat(notReady.statusCode()).as("not ready before Vault first answers").isEqualTo(503);

		startAndSeed();
		assertThat(readiness(caller).statusCode()).isEqualTo(200);
		assertThat(caller.send("GET", messages, null).statusCode()).isEqualTo(200);

		vault.stop();
		this.clock.advance(Duration.ofSeconds(31));
		for (int i = 0; i < 8; i++) {
			assertThat(caller.send("GET", messages, null).statusCode()).as("served from cache during the outage")
				.isEqualTo(200);
		}
		this.clock.advance(Duration.ofMinutes(5));
		HttpResponse<String> degraded = readiness(caller);
		assertThat(degraded.statusCode()).as("a short outage keeps readiness UP").isEqualTo(200);
		JsonNode credentials = JSON.readTree(degraded.body()).at("/components/credentials/details");
		assertThat(credentials.get("vault").asString()).contains("unreachable");
		assertThat(Duration.parse(credentials.get("staleness").asString())).isGreaterThan(Duration.ofMinutes(5));
		assertThat(staleness(caller)).isGreaterThan(300.0);
		assertThat(caller.send("GET", messages, null).statusCode()).isEqualTo(200);

		this.clock.advance(Duration.ofMinutes(11));
		HttpResponse<String> tooStale = caller.send("GET", messages, null);
		assertThat(tooStale.statusCode()).as("past the maximum staleness").isEqualTo(503);
		assertThat(tooStale.body()).contains("vault-unavailable");
		assertThat(readiness(caller).statusCode()).isEqualTo(503);

		startAndSeed();
		this.clock.advance(Duration.ofSeconds(6));
		assertThat(readiness(caller).statusCode()).as("ready again once Vault is back").isEqualTo(200);
		assertThat(caller.send("GET", messages, null).statusCode()).isEqualTo(200);
		assertThat(staleness(caller)).isZero();
		caller.assertNoneContains(java.util.List.of(TOKEN), java.util.List.of(CapturingCaller.basic(ACCOUNT, TOKEN)));
	}

	private static void startAndSeed() throws Exception {
		vault.start();
		CredentialStore.vault(vault.template(), new VaultLayout("twilio", ""))
			.write(CredentialKey.of(ACCOUNT, "ie1"), Map.of("auth_token", TOKEN), SeedMetadata.NONE, 0);
	}

	private static HttpResponse<String> readiness(CapturingCaller caller) {
		return caller.send("GET", "/actuator/health/readiness", null);
	}

	private static double staleness(CapturingCaller caller) {
		HttpResponse<String> metric = caller.send("GET", "/actuator/metrics/sidecar.vault.staleness", null);
		assertThat(metric.statusCode()).isEqualTo(200);
		return JSON.readTree(metric.body()).at("/measurements/0/value").asDouble();
	}

}
