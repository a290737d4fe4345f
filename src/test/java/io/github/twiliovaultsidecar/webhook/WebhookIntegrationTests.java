package io.github.twiliovaultsidecar.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.MutableClock;
import io.github.twiliovaultsidecar.support.RawHttp;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook validation end to end: the running sidecar, a real Vault holding the tokens, the official
 * Twilio SDK making the signatures, and a stub app behind the front door. Every test uses fresh
 * random Account SIDs, except the configured routes.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookIntegrationTests {

	private static final MutableClock CLOCK = MutableClock.startingNow();

	private static final StubApp APP = StubApp.start();

	private static final String PUBLIC_BASE = "https://hooks.example.com";

	private static final String ROUTE_ACCOUNT = TestSids.accountSid();

	private static final String ROUTE_TOKEN = TestSids.authToken();

	private static final String API_KEY_ACCOUNT = TestSids.accountSid();

	private static final int MAX_BODY = 16 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meters;

	private CredentialStore store;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, null);
		registry.add("sidecar.vault.mount", () -> "twilio");
		registry.add("sidecar.webhooks.public-base-url", () -> PUBLIC_BASE);
		registry.add("sidecar.webhooks.max-body-size", () -> MAX_BODY + "B");
		registry.add("sidecar.webhooks.routes[0].name", () -> "sms");
		registry.add("sidecar.webhooks.routes[0].app-url", () -> APP.baseUrl() + "/twilio");
		registry.add("sidecar.webhooks.routes[0].account", () -> ROUTE_ACCOUNT);
		registry.add("sidecar.webhooks.routes[0].region", () -> "ie1");
		registry.add("sidecar.webhooks.routes[1].name", () -> "keyed");
		registry.add("sidecar.webhooks.routes[1].app-url", () -> APP.baseUrl());
		registry.add("sidecar.webhooks.routes[1].account", () -> API_KEY_ACCOUNT);
		registry.add("sidecar.webhooks.routes[1].region", () -> "au1");
		registry.add("sidecar.webhooks.routes[2].name", () -> "down");
		registry.add("sidecar.webhooks.routes[2].app-url", () -> "http://127.0.0.1:1/nothing-listens");
		registry.add("sidecar.webhooks.routes[2].account", () -> ROUTE_ACCOUNT);
		registry.add("sidecar.webhooks.routes[2].region", () -> "ie1");
	}

	@BeforeAll
	static void seedRoutes(VaultServer vault) {
		CredentialStore store = CredentialStore.vault(vault.rootTemplate(),
				new VaultLayout(vault.enableKv2("twilio"), ""));
		store.write(CredentialKey.of(ROUTE_ACCOUNT, "ie1"), Map.of("auth_token", ROUTE_TOKEN), SeedMetadata.NONE, 0);
		store.write(CredentialKey.of(API_KEY_ACCOUNT, "au1"),
				Map.of("api_key_sid", TestSids.apiKeySid(), "api_key_secret", TestSids.authToken()), SeedMetadata.NONE, 0);
	}

	@AfterAll
	static void stopApp() {
		APP.close();
	}

	@BeforeEach
	void setUp(VaultServer vault) {
		this.store = CredentialStore.vault(vault.rootTemplate(), new VaultLayout("twilio", ""));
		APP.clear();
	}

	// --- POST /webhooks/v1/validate

	@Test
	void validatesASignatureMadeWithTheStoredRegionalToken() throws Exception {
		String account = TestSids.accountSid();
		String token = seed(account, "ie1");
		String url = "https://app.example.com/sms?tenant=7";
		Map<String, String> params = Map.of("From", "+353851234567", "Body", "héllo", "MessageSid", "SM1");
		String signature = TwilioSdk.sign(token, url, params);
		double before = count("valid", WebhookValidator.VALIDATE_ENDPOINT_ROUTE);

		HttpResponse<String> response = validate(request(account, "ie1", url, signature, params));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response)).isEqualTo(JSON.readTree("{\"valid\":true,\"credential_version\":1}"));
		assertThat(response.body()).doesNotContain(token);
		assertThat(count("valid", WebhookValidator.VALIDATE_ENDPOINT_ROUTE)).isEqualTo(before + 1);
	}

	@Test
	void aSignatureMadeWithAnotherRegionsTokenIsInvalid() throws Exception {
		String account = TestSids.accountSid();
		seed(account, "ie1");
		String us1Token = seed(account, "us1");
		String url = "https://app.example.com/voice";
		Map<String, String> params = Map.of("CallSid", "CA1");
		String signature = TwilioSdk.sign(us1Token, url, params);

		HttpResponse<String> ie1 = validate(request(account, "ie1", url, signature, params));
		HttpResponse<String> us1 = validate(request(account, "us1", url, signature, params));

		assertThat(ie1.statusCode()).isEqualTo(200);
		assertThat(json(ie1)).isEqualTo(JSON.readTree("{\"valid\":false,\"credential_version\":1}"));
		assertThat(json(us1).get("valid").asBoolean()).isTrue();
	}

	@Test
	void validatesAJsonWebhookByItsBodyHash() throws Exception {
		String account = TestSids.accountSid();
		String token = seed(account, "au1");
		String body = "{\"event\":\"delivered\",\"n\":1}";
		String url = "https://app.example.com/events?bodySHA256="
				+ WebhookSignature.bodyHash(body.getBytes(StandardCharsets.UTF_8));
		String signature = TwilioSdk.sign(token, url, Map.of());
		Map<String, Object> request = new LinkedHashMap<>(Map.of("account", account, "region", "au1", "url", url,
				"signature", signature, "body", body));

		assertThat(json(validate(JSON.writeValueAsString(request))).get("valid").asBoolean()).isTrue();
		request.put("body", body.replace("1", "2"));
		assertThat(json(validate(JSON.writeValueAsString(request))).get("valid").asBoolean()).isFalse();
	}

	@Test
	void duringARotationThePreviousVersionIsAcceptedUntilTheGracePeriodEnds() throws Exception {
		String account = TestSids.accountSid();
		CredentialKey key = CredentialKey.of(account, "ie1");
		String oldToken = TestSids.authToken();
		this.store.write(key, Map.of("auth_token", oldToken), SeedMetadata.NONE, 0);
		String url = "https://app.example.com/sms";
		Map<String, String> params = Map.of("Body", "rotate");
		String oldSignature = TwilioSdk.sign(oldToken, url, params);
		assertThat(json(validate(request(account, "ie1", url, oldSignature, params)))).isEqualTo(
				JSON.readTree("{\"valid\":true,\"credential_version\":1}"));

		String newToken = TestSids.authToken();
		this.store.write(key, Map.of("auth_token", newToken), SeedMetadata.NONE, 1);
		String newSignature = TwilioSdk.sign(newToken, url, params);

		assertThat(json(validate(request(account, "ie1", url, newSignature, params)))).as("new version")
			.isEqualTo(JSON.readTree("{\"valid\":true,\"credential_version\":2}"));
		assertThat(json(validate(request(account, "ie1", url, oldSignature, params)))).as("old version in grace")
			.isEqualTo(JSON.readTree("{\"valid\":true,\"credential_version\":1}"));

		CLOCK.advance(Duration.ofMinutes(14));
		assertThat(json(validate(request(account, "ie1", url, oldSignature, params)))).as("old version, 14 min")
			.isEqualTo(JSON.readTree("{\"valid\":true,\"credential_version\":1}"));

		CLOCK.advance(Duration.ofMinutes(2));
		assertThat(json(validate(request(account, "ie1", url, oldSignature, params)))).as("old version, 16 min")
			.isEqualTo(JSON.readTree("{\"valid\":false,\"credential_version\":2}"));
		assertThat(json(validate(request(account, "ie1", url, newSignature, params)))).as("new version, 16 min")
			.isEqualTo(JSON.readTree("{\"valid\":true,\"credential_version\":2}"));
	}

	@Test
	void anApiKeyCannotValidateWebhooks() throws Exception {
		HttpResponse<String> response = validate(
				request(API_KEY_ACCOUNT, "au1", "https://app.example.com/x", "c2lnbmF0dXJl", Map.of()));
		assertProblem(response, 422, "credential-cannot-validate-webhooks");
		assertThat(json(response).get("detail").asString()).contains("API key").contains("auth_token");
	}

	@Test
	void badValidateRequestsGetAProblemDetail() throws Exception {
		String account = TestSids.accountSid();
		String token = seed(account, "ie1");
		assertProblem(validate("{\"account\": "), 400, "invalid-webhook-request");
		assertProblem(validate("[1, 2]"), 400, "invalid-webhook-request");
		assertProblem(validate(""), 400, "invalid-webhook-request");
		assertProblem(validate("{\"account\":\"" + account + "\",\"region\":\"ie1\",\"url\":\"https://a.example/x\"}"),
				400, "webhook-signature-missing");
		assertProblem(validate("{\"account\":\"" + account + "\",\"region\":\"ie1\",\"signature\":\"x\"}"), 400,
				"invalid-webhook-request");
		assertProblem(validate("{\"account\":\"" + account
				+ "\",\"region\":\"ie1\",\"url\":\"https://a.example/x\",\"signature\":\"x\",\"params\":5}"), 400,
				"invalid-webhook-request");
		assertProblem(validate("{\"account\":7,\"region\":\"ie1\",\"url\":\"https://a.example/x\",\"signature\":\"x\"}"),
				400, "invalid-webhook-request");
		assertProblem(validate(request(account, "ie1", "not a url", "x", Map.of())), 400, "invalid-webhook-url");
		assertProblem(validate(request(account, "ie1", "ftp://a.example/x", "x", Map.of())), 400,
				"invalid-webhook-url");
		assertProblem(validate(request("AC123", "ie1", "https://a.example/x", "x", Map.of())), 400,
				"invalid-account-sid");
		assertProblem(validate(request(account, "europe", "https://a.example/x", "x", Map.of())), 400,
				"invalid-region");
		HttpResponse<String> unknown = validate(request(account, "au1", "https://a.example/x", "x", Map.of()));
		assertProblem(unknown, 404, "credential-not-found");
		assertThat(unknown.body()).doesNotContain(token);
		// Refused from its declared length, unread, so only the headers are sent: a client still sending
		// the body could see the connection close before it read the 413.
		RawHttp.Answer tooLarge = new RawHttp(this.port).send("POST " + WebhookValidationController.PATH
				+ " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
				+ (MAX_BODY + 1) + "\r\n\r\n");
		assertThat(tooLarge.status()).as(tooLarge.body()).isEqualTo(413);
		assertThat(tooLarge.contentType()).startsWith("application/problem+json");
		assertThat(JSON.readTree(tooLarge.body()).get("type").asString())
			.isEqualTo("urn:twilio-vault-sidecar:problem:webhook-body-too-large");
	}

	// --- the front door

	@Test
	void theFrontDoorForwardsAValidFormWebhookWithBodyAndHeadersIntact() throws Exception {
		String body = "To=%2B18005551212&From=%2B353851234567&Body=h%C3%A9llo+there&MediaUrl=a&MediaUrl=b&Empty=";
		Map<String, List<String>> params = FormEncoding.decode(body.getBytes(StandardCharsets.UTF_8));
		String path = "/webhooks/in/sms/inbound/status?tenant=7&x=%2F";
		String signature = signForm(ROUTE_TOKEN, PUBLIC_BASE + path, params);
		double before = count("valid", "sms");

		HttpResponse<String> response = send("POST", path, body, Map.of("X-Twilio-Signature", signature,
				"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8", "X-Custom", "kept"));

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(response.body()).isEqualTo(StubApp.ANSWER);
		assertThat(response.headers().firstValue("X-App")).hasValue("stub");
		assertThat(APP.received()).singleElement().satisfies(received -> {
			assertThat(received.method()).isEqualTo("POST");
			assertThat(received.rawPath()).isEqualTo("/twilio/inbound/status");
			assertThat(received.rawQuery()).isEqualTo("tenant=7&x=%2F");
			assertThat(received.bodyText()).isEqualTo(body);
			assertThat(received.header("X-Twilio-Signature")).isEqualTo(signature);
			assertThat(received.header("X-Custom")).isEqualTo("kept");
			assertThat(received.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded; charset=UTF-8");
			assertThat(received.header("Content-Length")).isEqualTo(Integer.toString(body.length()));
		});
		assertThat(count("valid", "sms")).isEqualTo(before + 1);
	}

	@Test
	void theFrontDoorForwardsAValidJsonWebhook() throws Exception {
		String body = "{\"type\":\"com.twilio.messaging.message.delivered\",\"data\":{\"to\":\"+1555\"}}";
		String path = "/webhooks/in/sms/events?bodySHA256="
				+ WebhookSignature.bodyHash(body.getBytes(StandardCharsets.UTF_8));
		String signature = TwilioSdk.sign(ROUTE_TOKEN, PUBLIC_BASE + ":443" + path, Map.of());

		HttpResponse<String> response = send("POST", path, body,
				Map.of("X-Twilio-Signature", signature, "Content-Type", "application/json"));

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(APP.received()).singleElement().satisfies(received -> {
			assertThat(received.rawPath()).isEqualTo("/twilio/events");
			assertThat(received.bodyText()).isEqualTo(body);
		});
	}

	@Test
	void theFrontDoorBlocksAWebhookWithAWrongSignature() throws Exception {
		String body = "Body=hi";
		String path = "/webhooks/in/sms/inbound";
		String forged = TwilioSdk.sign(TestSids.authToken(), PUBLIC_BASE + path, Map.of("Body", "hi"));
		double before = count("invalid", "sms");

		HttpResponse<String> response = send("POST", path, body,
				Map.of("X-Twilio-Signature", forged, "Content-Type", "application/x-www-form-urlencoded"));

		assertProblem(response, 403, "webhook-signature-invalid");
		assertThat(response.body()).doesNotContain(ROUTE_TOKEN).doesNotContain(forged);
		assertThat(APP.received()).isEmpty();
		assertThat(count("invalid", "sms")).isEqualTo(before + 1);
	}

	@Test
	void theFrontDoorBlocksAValidSignatureReplayedWithAnotherBody() throws Exception {
		String path = "/webhooks/in/sms/inbound";
		String signature = TwilioSdk.sign(ROUTE_TOKEN, PUBLIC_BASE + path, Map.of("Body", "hi"));

		HttpResponse<String> response = send("POST", path, "Body=bye",
				Map.of("X-Twilio-Signature", signature, "Content-Type", "application/x-www-form-urlencoded"));

		assertProblem(response, 403, "webhook-signature-invalid");
		assertThat(APP.received()).isEmpty();
	}

	@Test
	void anAppThatCannotBeReachedIsABadGatewayProblem() throws Exception {
		String path = "/webhooks/in/down/inbound";
		String signature = TwilioSdk.sign(ROUTE_TOKEN, PUBLIC_BASE + path, Map.of("Body", "hi"));

		HttpResponse<String> response = send("POST", path, "Body=hi",
				Map.of("X-Twilio-Signature", signature, "Content-Type", "application/x-www-form-urlencoded"));

		assertProblem(response, 502, "webhook-app-unavailable");
		assertThat(response.body()).doesNotContain("127.0.0.1:1");
	}

	@Test
	void theFrontDoorRejectsBadRequestsAndForwardsNothing() throws Exception {
		Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
		assertProblem(send("POST", "/webhooks/in/sms/inbound", "Body=hi", form), 400, "webhook-signature-missing");
		assertProblem(send("POST", "/webhooks/in/nope/inbound", "Body=hi", Map.of("X-Twilio-Signature", "x")), 404,
				"webhook-route-not-found");
		assertProblem(send("POST", "/webhooks/in/sms/inbound", "a=%G1",
				Map.of("X-Twilio-Signature", "x", "Content-Type", "application/x-www-form-urlencoded")), 400,
				"invalid-webhook-form");
		assertProblem(send("POST", "/webhooks/in/sms/inbound", "Body=" + "x".repeat(MAX_BODY),
				Map.of("X-Twilio-Signature", "x", "Content-Type", "application/x-www-form-urlencoded")), 413,
				"webhook-body-too-large");
		assertProblem(send("POST", "/webhooks/in/keyed/inbound", "Body=hi", Map.of("X-Twilio-Signature", "x")), 422,
				"credential-cannot-validate-webhooks");
		assertThat(APP.received()).isEmpty();
	}

	@Test
	void metricTagsNameTheRouteAndResultButNeverAnAccount() throws Exception {
		String account = TestSids.accountSid();
		String token = seed(account, "ie1");
		validate(request(account, "ie1", "https://a.example/x", TwilioSdk.sign(token, "https://a.example/x", Map.of()),
				Map.of()));
		List<Meter> validations = this.meters.find(WebhookValidator.METRIC).meters().stream().toList();
		assertThat(validations).isNotEmpty();
		assertThat(validations).allSatisfy(meter -> assertThat(meter.getId().getTags()).allSatisfy(tag -> {
			assertThat(tag.getKey()).isIn("result", "route", "version");
			assertThat(tag.getValue()).doesNotStartWith("AC").doesNotContain(token).doesNotContain(ROUTE_TOKEN);
		}));
	}

	// --- helpers

	private String seed(String account, String region) {
		String token = TestSids.authToken();
		this.store.write(CredentialKey.of(account, region), Map.of("auth_token", token), SeedMetadata.NONE, 0);
		return token;
	}

	private double count(String result, String route) {
		return this.meters.find(WebhookValidator.METRIC)
			.tag("result", result)
			.tag("route", route)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private static String signForm(String token, String url, Map<String, List<String>> params) {
		StringBuilder data = new StringBuilder(url);
		new java.util.TreeMap<>(params)
			.forEach((name, values) -> values.stream().sorted().forEach(value -> data.append(name).append(value)));
		return TwilioSdk.sign(token, data.toString(), Map.of());
	}

	private static String request(String account, String region, String url, String signature,
			Map<String, String> params) {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("account", account);
		request.put("region", region);
		request.put("url", url);
		request.put("signature", signature);
		request.put("params", params.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, entry -> List.of(entry.getValue()))));
		return JSON.writeValueAsString(request);
	}

	private HttpResponse<String> validate(String json) throws IOException, InterruptedException {
		return send("POST", WebhookValidationController.PATH, json, Map.of("Content-Type", "application/json"));
	}

	private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		headers.forEach(request::header);
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private static void assertProblem(HttpResponse<String> response, int status, String problem) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(json(response).get("type").asString()).isEqualTo("urn:twilio-vault-sidecar:problem:" + problem);
		assertThat(json(response).get("status").asInt()).isEqualTo(status);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class TestClock {

		@Bean
		@Primary
		Clock testClock() {
			return CLOCK;
		}

	}

}
