package io.github.twiliovaultsidecar.seeding;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.support.AdminSession;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;
import io.github.twiliovaultsidecar.twilio.Secret;

import static io.github.twiliovaultsidecar.seeding.VerificationApi.JSON;
import static io.github.twiliovaultsidecar.seeding.VerificationApi.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Background re-verification against a real Vault and the Twilio stand-in, running every
 * {@value #INTERVAL}. The class has a prefix of its own in the shared mount, so its runs see only its
 * entries. No response holds a token.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class VerificationIntegrationTests {

	static final String INTERVAL = "2s";

	static final String PREFIX = "verification-" + TestSids.hex(8) + "/";

	@RegisterExtension
	static final AdminSession session = new AdminSession();

	static final TwilioStandIn twilio = session.twilio();

	VerificationApi api;

	String account;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.vault.prefix", () -> PREFIX);
		registry.add("sidecar.verification.interval", () -> INTERVAL);
		registry.add("sidecar.verification.lease-ttl", () -> "3s");
		registry.add("sidecar.verification.rate-per-region", () -> "20");
		registry.add("management.endpoint.health.show-details", () -> "always");
	}

	@BeforeEach
	void setUp(VaultServer server) {
		this.api = new VerificationApi(session.caller(), server, PREFIX);
		this.account = TestSids.accountSid();
	}

	@Test
	void aTokenRevokedAtTwilioIsFoundByTheNextRunBeforeAnyAppRequest() {
		String token = token();
		twilio.authToken(this.account, "ie1", token);
		this.api.writeRaw(this.account + "/ie1", Map.of("auth_token", token, "edge", "dublin"));
		double rejectedBefore = this.api.meter("sidecar_credentials_verification_total", "ie1", "rejected");

		JsonNode verified = await(() -> this.api.inventoryEntry(this.account),
				entry -> "verified".equals(entry.path("verification").path("outcome").asString()), Duration.ofSeconds(20));
		assertThat(verified.path("verification").path("detail").asString()).contains("api.dublin.ie1.twilio.com");
		JsonNode custom = this.api.metadata(this.account + "/ie1").path("custom_metadata");
		assertThat(custom.path("verified_at").asString()).isNotEmpty();
		assertThat(custom.path("fingerprint").asString()).isEqualTo(Secret.of(token).fingerprint());
		assertThat(custom.path("verification_outcome").asString()).isEqualTo("verified");

		twilio.revoke(this.account, "ie1");
		JsonNode rejected = await(() -> this.api.inventoryEntry(this.account),
				entry -> "rejected".equals(entry.path("verification").path("outcome").asString()), Duration.ofSeconds(20));
		assertThat(rejected.path("verification").path("detail").asString()).contains("401")
			.contains("api.dublin.ie1.twilio.com");
		assertThat(rejected.path("verification").path("version").asLong()).isEqualTo(1);
		assertThat(this.api.meter("sidecar_credentials_verification_total", "ie1", "rejected"))
			.isGreaterThan(rejectedBefore);
		assertThat(this.api.meter("sidecar_credentials_verification_rejected", "ie1", null)).isGreaterThanOrEqualTo(1);
		assertThat(this.api.metadata(this.account + "/ie1").path("custom_metadata").path("verification_outcome")
			.asString()).isEqualTo("rejected");

		HttpResponse<String> readiness = session.caller().send("GET", "/actuator/health/readiness", null);
		assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
		JsonNode health = JSON.readTree(readiness.body());
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("components").path("verification").path("details").path("rejected").toString())
			.contains(this.api.displayPath(this.account + "/ie1"));

		List<TwilioStandIn.Recorded> seen = twilio.requests(r -> r.path().contains(this.account));
		assertThat(seen).isNotEmpty().allSatisfy(request -> {
			assertThat(request.method()).isEqualTo("GET");
			assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + this.account + ".json");
		});
		assertThat(this.api.prometheus()).doesNotContain(this.account).doesNotContain(token);
	}

	@Test
	void twilio429SlowsTheRunDownInsteadOfFailingIt() {
		String first = TestSids.accountSid();
		String second = TestSids.accountSid();
		double errorsBefore = this.api.meter("sidecar_credentials_verification_total", "jp1", "error");
		double waitsBefore = this.api.meter("sidecar_credentials_verification_throttled_total", null, "twilio-429");
		// The fault is in place before the entries exist, so no run can check them before it.
		twilio.fault("api.tokyo.jp1.twilio.com", TwilioStandIn.Fault.concurrencyLimit("1", 3));
		for (String sid : List.of(first, second)) {
			String token = token();
			twilio.authToken(sid, "jp1", token);
			this.api.writeRaw(sid + "/jp1", Map.of("auth_token", token, "edge", "tokyo"));
		}

		for (String sid : List.of(first, second)) {
			await(() -> this.api.inventoryEntry(sid),
					entry -> "verified".equals(entry.path("verification").path("outcome").asString()),
					Duration.ofSeconds(30));
		}
		twilio.clearFaults();
		assertThat(this.api.meter("sidecar_credentials_verification_throttled_total", null, "twilio-429"))
			.isGreaterThanOrEqualTo(waitsBefore + 3);
		assertThat(this.api.meter("sidecar_credentials_verification_total", "jp1", "error")).isEqualTo(errorsBefore);
		List<TwilioStandIn.Recorded> tokyo = twilio.requests(r -> "api.tokyo.jp1.twilio.com".equals(r.host()));
		assertThat(tokyo.size()).isGreaterThanOrEqualTo(5);
		for (int i = 0; i < 3; i++) {
			assertThat(Duration.between(tokyo.get(i).receivedAt(), tokyo.get(i + 2).receivedAt()))
				.as("after a 429 with Retry-After: 1 the region pauses before its next check")
				.isGreaterThanOrEqualTo(Duration.ofMillis(900));
		}
	}

	private static String token() {
		return session.token();
	}

}
