package io.github.twiliovaultsidecar.security;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.LocalJwks;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared mode: callers prove who they are with a JWT (a Kubernetes ServiceAccount token, checked
 * against a local JWKS) and may do only what a rule grants. Every refusal reaches neither Twilio
 * nor Vault.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SharedModeIntegrationTests {

	private static final TwilioStandIn twilio = TwilioStandIn.start();

	private static final LocalJwks jwks = LocalJwks.start();

	private static final String ACCOUNT = TestSids.accountSid();

	private static final String SENDER = "system:serviceaccount:payments:sms-sender";

	private static final String OPS = "system:serviceaccount:ops:key-rotator";

	private static final String SMS = "To=%2B15005550006&From=%2B15005550001&Body=hi";

	@LocalServerPort
	int port;

	private CapturingCaller caller;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		VaultServer vault = VaultServer.shared();
		registry.add("sidecar.proxy.products", () -> "api,accounts");
		registry.add("sidecar.mode", () -> "shared");
		registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", jwks::jwkSetUri);
		registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> LocalJwks.ISSUER);
		registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> LocalJwks.AUDIENCE);
		registry.add("sidecar.security.callers[0].subject", () -> SENDER);
		registry.add("sidecar.security.callers[0].accounts", () -> ACCOUNT);
		registry.add("sidecar.security.callers[0].regions", () -> "ie1");
		registry.add("sidecar.security.callers[0].operations",
				() -> "POST /2010-04-01/Accounts/*/Messages.json,GET /2010-04-01/Accounts/*/Messages/*.json");
		registry.add("sidecar.security.callers[1].subject", () -> "system:serviceaccount:ops:*");
		registry.add("sidecar.security.callers[1].accounts", () -> "*");
		registry.add("sidecar.security.callers[1].regions", () -> "*");
		registry.add("sidecar.security.callers[1].operations", () -> "* /**");
		registry.add("sidecar.security.allow-sensitive", () -> "api-keys");
		String token = TestSids.authToken();
		for (String region : List.of("ie1", "au1")) {
			CredentialStore.vault(vault.rootTemplate(), new VaultLayout("twilio", ""))
				.write(CredentialKey.of(ACCOUNT, region), Map.of("auth_token", token), SeedMetadata.NONE, 0);
			twilio.authToken(ACCOUNT, region, token);
		}
	}

	@BeforeEach
	void setUp() {
		this.caller = new CapturingCaller("http://127.0.0.1:" + this.port);
		twilio.clearRequests();
	}

	@AfterAll
	static void stop() {
		twilio.close();
		jwks.close();
	}

	@Test
	void aValidTokenWithAMatchingRuleIsForwarded() {
		HttpResponse<String> response = send("POST", "api.dublin.ie1.twilio.com", "/Messages.json", jwks.token(SENDER),
				"Authorization", CapturingCaller.basic(ACCOUNT, "placeholder"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		assertThat(twilio.requests()).hasSize(1);
		assertThat(twilio.requests().get(0).header("Proxy-Authorization")).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "no token", "wrong audience", "expired", "bad signature", "other issuer", "not a JWT" })
	void anUnprovenCallerGets401AndNothingIsSent(String kind) {
		String token = switch (kind) {
			case "no token" -> null;
			case "wrong audience" -> jwks.tokenForAudience(SENDER, "another-service");
			case "expired" -> jwks.expiredToken(SENDER);
			case "bad signature" -> jwks.tokenSignedByAStranger(SENDER);
			case "other issuer" -> jwks.tokenFromIssuer(SENDER, "https://issuer.invalid");
			default -> "not-a-jwt";
		};
		HttpResponse<String> response = send("POST", "api.dublin.ie1.twilio.com", "/Messages.json", token);
		assertProblem(response, 401, "caller-unauthenticated");
		assertThat(twilio.requests()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"unknown subject | system:serviceaccount:payments:other | POST | api.dublin.ie1.twilio.com | /Messages.json",
			"region not allowed | " + SENDER + " | POST | api.sydney.au1.twilio.com | /Messages.json",
			"operation not allowed | " + SENDER + " | GET | api.dublin.ie1.twilio.com | /Calls.json" })
	void aCallerWithoutAMatchingRuleGets403NamingTheMissingRule(String name, String subject, String method,
			String host, String resource) {
		HttpResponse<String> response = send(method, host, resource, jwks.token(subject));
		assertProblem(response, 403, "caller-not-allowed");
		assertThat(response.body()).contains(subject).contains("missing_rule");
		assertThat(twilio.requests()).isEmpty();
	}

	@Test
	void anAccountNotAllowedGets403() {
		String other = TestSids.accountSid();
		HttpResponse<String> response = this.caller.send("POST", "/api.dublin.ie1.twilio.com/2010-04-01/Accounts/"
				+ other + "/Messages.json", SMS, "Proxy-Authorization", "Bearer " + jwks.token(SENDER), "Content-Type",
				"application/x-www-form-urlencoded");
		assertProblem(response, 403, "caller-not-allowed");
		assertThat(response.body()).contains(other);
		assertThat(twilio.requests()).isEmpty();
	}

	@Test
	void aSensitiveOperationIsAllowedOnlyWhereConfigAndARuleBothAllowIt() {
		HttpResponse<String> keys = send("POST", "api.dublin.ie1.twilio.com", "/Keys.json", jwks.token(OPS));
		assertThat(keys.statusCode()).as("api-keys is in allow-sensitive and the ops rule grants it").isNotIn(401, 403);
		assertThat(twilio.requests()).hasSize(1);
		twilio.clearRequests();
		assertProblem(send("POST", "api.dublin.ie1.twilio.com", "/Keys.json", jwks.token(SENDER)), 403,
				"caller-not-allowed");
		assertProblem(send("POST", "api.dublin.ie1.twilio.com", "/SigningKeys.json", jwks.token(OPS)), 403,
				"sensitive-operation-denied");
		assertProblem(this.caller.send("POST", "/accounts.twilio.com/v1/AuthTokens/Secondary", "", "Proxy-Authorization",
				"Bearer " + jwks.token(OPS), "X-Twilio-Account-Sid", ACCOUNT), 403, "sensitive-operation-denied");
		assertProblem(this.caller.send("POST", "/api.dublin.ie1.twilio.com/2010-04-01/Accounts.json",
				"FriendlyName=x", "Proxy-Authorization", "Bearer " + jwks.token(OPS), "X-Twilio-Account-Sid", ACCOUNT,
				"Content-Type", "application/x-www-form-urlencoded"), 403, "sensitive-operation-denied");
		assertThat(twilio.requests()).isEmpty();
	}

	@Test
	void healthStaysOpenAndTheWebhookValidatorNeedsAToken() {
		assertThat(this.caller.send("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(this.caller.send("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		assertProblem(this.caller.send("POST", "/webhooks/v1/validate", "{}", "Content-Type", "application/json"), 401,
				"caller-unauthenticated");
	}

	@Test
	void theInventoryPageNeedsNoCallerTokenButItsOtherMethodsStillDo() {
		HttpResponse<String> page = this.caller.send("GET", "/admin/ui/", null);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<script src=\"/admin/ui/inventory.js\"");
		assertThat(this.caller.send("GET", "/admin/ui/inventory.js", null).statusCode()).isEqualTo(200);
		assertProblem(this.caller.send("POST", "/admin/ui/", "x", "Content-Type", "text/plain"), 401,
				"caller-unauthenticated");
		assertThat(twilio.requests()).isEmpty();
	}

	private HttpResponse<String> send(String method, String host, String resource, String token, String... more) {
		List<String> headers = new java.util.ArrayList<>(List.of("Content-Type", "application/x-www-form-urlencoded"));
		if (token != null) {
			headers.addAll(List.of("Proxy-Authorization", "Bearer " + token));
		}
		headers.addAll(List.of(more));
		return this.caller.send(method, "/" + host + "/2010-04-01/Accounts/" + ACCOUNT + resource,
				"POST".equals(method) ? SMS : null, headers.toArray(String[]::new));
	}

	private static void assertProblem(HttpResponse<String> response, int status, String problem) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("urn:twilio-vault-sidecar:problem:" + problem);
	}

}
