package io.github.twiliovaultsidecar.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.masking.SecretMasking;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.LeakDetector;
import io.github.twiliovaultsidecar.support.LogCapture;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canary suite: canary tokens (fresh random values each run) are stored for us1, ie1 and au1 plus
 * an API key, then every path a caller or an operator can reach is exercised in one running
 * sidecar: the proxy (success in each region, the 401 refresh, every problem), seeding (seed, verify, re-verify,
 * inventory, a rejected token, subaccount sync), webhooks (validate and the front door) and the
 * actuator. The last test searches every response header and body a caller received and every log
 * line as the console would print it (after masking) for any canary, its Basic-auth base64 form, or
 * any 16-character piece of either, and fails naming each finding.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CanarySuiteIntegrationTests {

	private static final TwilioStandIn twilio = TwilioStandIn.start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern METER_ROW = Pattern.compile("(?m)^\\| `(sidecar\\.[a-z0-9.]+)` \\|");

	private static final String ACCOUNT = TestSids.accountSid();

	/** An account used for the rotation and rejection paths, so they cannot disturb the others. */
	private static final String ROTATING = TestSids.accountSid();

	private static final String KEY_ACCOUNT = TestSids.accountSid();

	private static final String KEY_SID = TestSids.apiKeySid();

	private static final Map<String, String> TOKENS = Map.of("us1", TestSids.authToken(), "ie1",
			TestSids.authToken(), "au1", TestSids.authToken());

	private static final String KEY_SECRET = TestSids.authToken();

	private static final String PUBLIC_BASE = "https://hooks.example.com";

	private static final String SMS = "To=%2B15005550006&From=%2B15005550001&Body=canary";

	private static final String FORM = "application/x-www-form-urlencoded";

	private static final LeakDetector detector = new LeakDetector();

	private static final List<String> appReceived = new CopyOnWriteArrayList<>();

	private static final HttpServer app = stubApp();

	private static CapturingCaller caller;

	private static LogCapture logs;

	private static CredentialStore store;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.proxy.max-request-body", () -> "64KB");
		registry.add("sidecar.webhooks.public-base-url", () -> PUBLIC_BASE);
		registry.add("sidecar.webhooks.routes[0].name", () -> "sms");
		registry.add("sidecar.webhooks.routes[0].app-url",
				() -> "http://127.0.0.1:" + app.getAddress().getPort() + "/twilio");
		registry.add("sidecar.webhooks.routes[0].account", () -> ACCOUNT);
		registry.add("sidecar.webhooks.routes[0].region", () -> "ie1");
	}

	@BeforeAll
	static void seedCanaries(VaultServer vault) {
		store = CredentialStore.vault(vault.rootTemplate(), new VaultLayout(vault.enableKv2("twilio"), ""));
		TOKENS.forEach((region, token) -> {
			store.write(CredentialKey.of(ACCOUNT, region), Map.of("auth_token", token), SeedMetadata.NONE, 0);
			twilio.authToken(ACCOUNT, region, token);
			detector.add(region + " auth token", ACCOUNT, token);
		});
		store.write(CredentialKey.of(KEY_ACCOUNT, "us1"), Map.of("api_key_sid", KEY_SID, "api_key_secret", KEY_SECRET),
				SeedMetadata.NONE, 0);
		twilio.apiKey(KEY_ACCOUNT, "us1", KEY_SID, KEY_SECRET);
		detector.add("us1 API key secret", KEY_SID, KEY_SECRET);
		String rotating = canary("au1 token of the rotating account", ROTATING);
		store.write(CredentialKey.of(ROTATING, "au1"), Map.of("auth_token", rotating), SeedMetadata.NONE, 0);
		twilio.authToken(ROTATING, "au1", rotating);
		detector.add("Vault root token", null, vault.rootToken());
	}

	@BeforeEach
	void setUp() {
		if (caller == null) {
			caller = new CapturingCaller("http://127.0.0.1:" + this.port);
		}
		if (logs == null || !logs.attached()) {
			logs = LogCapture.attach();
		}
	}

	@AfterAll
	static void stop() {
		twilio.close();
		app.stop(0);
		if (logs != null) {
			logs.close();
		}
	}

	// --- the proxy

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "api.twilio.com", "api.dublin.ie1.twilio.com", "api.sydney.au1.twilio.com" })
	@Order(1)
	void messagesCreateFetchAndListSucceedInEachRegion(String host) {
		HttpResponse<String> created = send("POST", "/" + host + "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json",
				SMS, "Content-Type", FORM);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String sid = JSON.readTree(created.body()).path("sid").asString();
		assertThat(send("GET", "/" + host + "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/" + sid + ".json", null)
			.statusCode()).isEqualTo(200);
		assertThat(send("GET", "/" + host + "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json", null).body())
			.contains(sid);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "api.twilio.com", "api.dublin.ie1.twilio.com", "api.sydney.au1.twilio.com" })
	@Order(2)
	void accountsFetchAndListSucceedInEachRegionWithTheTokenRedacted(String host) {
		HttpResponse<String> fetched = send("GET", "/" + host + "/2010-04-01/Accounts/" + ACCOUNT + ".json", null);
		assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
		assertThat(JSON.readTree(fetched.body()).path("auth_token").asString()).isEqualTo("[redacted]");
		HttpResponse<String> list = send("GET", "/" + host + "/2010-04-01/Accounts.json", null, "Authorization",
				CapturingCaller.basic(ACCOUNT, "placeholder"));
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(list.body()).path("accounts"))
			.allSatisfy(account -> assertThat(account.path("auth_token").asString()).isEqualTo("[redacted]"));
	}

	@Test
	@Order(3)
	void anApiKeyEntrySignsACall() {
		HttpResponse<String> response = send("GET", "/api.twilio.com/2010-04-01/Accounts/" + KEY_ACCOUNT + ".json",
				null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(twilio.requests(r -> r.path().contains(KEY_ACCOUNT))).last()
			.satisfies(request -> assertThat(request.basicAuth()).containsExactly(KEY_SID, KEY_SECRET));
	}

	@Test
	@Order(4)
	void aRotatedTokenIsPickedUpThroughThe401RefreshThenARevokedOneIsAProblem() {
		String host = "/api.sydney.au1.twilio.com/2010-04-01/Accounts/" + ROTATING;
		assertThat(send("GET", host + ".json", null).statusCode()).isEqualTo(200);
		String rotated = canary("rotated au1 token", ROTATING);
		store.write(CredentialKey.of(ROTATING, "au1"), Map.of("auth_token", rotated), SeedMetadata.NONE, 1);
		twilio.revoke(ROTATING, "au1").authToken(ROTATING, "au1", rotated);
		HttpResponse<String> refreshed = send("POST", host + "/Messages.json", SMS, "Content-Type", FORM);
		assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(201);
		twilio.revoke(ROTATING, "au1");
		assertProblem(send("POST", host + "/Messages.json", SMS, "Content-Type", FORM), 502,
				"stored-credential-rejected");
	}

	@Test
	@Order(5)
	void everyProxyProblemIsAProblemDetail() {
		String messages = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
		assertProblem(send("GET", "/api.example.com" + messages, null), 400, "invalid-twilio-host");
		assertProblem(send("GET", "/api.ie1.twilio.com" + messages, null), 400, "short-regional-host");
		assertProblem(send("GET", "/api.dublin.ie1.twilio.com/2010-04-01/%2e%2e/Accounts.json", null), 400,
				"invalid-path");
		assertProblem(send("GET", "/api.dublin.ie1.twilio.com" + messages, null, "Authorization",
				CapturingCaller.basic(TestSids.accountSid(), "placeholder")), 400, "account-mismatch");
		assertProblem(send("GET", "/api.tokyo.jp1.twilio.com" + messages, null), 404, "credential-not-found");
		assertProblem(send("POST", "/api.dublin.ie1.twilio.com" + messages, "Body=" + "x".repeat(70 * 1024),
				"Content-Type", FORM), 413, "body-too-large");
		assertProblem(send("TRACE", "/api.dublin.ie1.twilio.com" + messages, null), 405, "method-not-allowed");
	}

	// --- seeding

	@Test
	@Order(6)
	void seedingVerifyInventoryAndARejectedTokenNeverEchoASecret(VaultServer vault) {
		String account = TestSids.accountSid();
		String seeded = canary("token seeded through the admin API", account);
		twilio.authToken(account, "ie1", seeded);
		HttpResponse<String> put = admin("PUT", "/credentials/" + account + "/ie1",
				"{\"auth_token\":\"" + seeded + "\"}", vault);
		assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
		assertThat(admin("POST", "/credentials/" + account + "/ie1/verify", null, vault).statusCode()).isEqualTo(200);
		HttpResponse<String> reverified = admin("POST", "/credentials/" + account + "/ie1/verification", null, vault);
		assertThat(reverified.statusCode()).as(reverified.body()).isEqualTo(200);
		assertThat(reverified.body()).contains("\"outcome\":\"verified\"");
		twilio.revoke(account, "ie1");
		HttpResponse<String> revoked = admin("POST", "/credentials/" + account + "/ie1/verification", null, vault);
		assertThat(revoked.body()).contains("\"outcome\":\"rejected\"");
		HttpResponse<String> inventory = admin("GET", "/credentials?account=" + account, null, vault);
		assertThat(inventory.statusCode()).as(inventory.body()).isEqualTo(200);
		assertThat(inventory.body()).contains(account);
		assertThat(admin("GET", "/credentials", null, vault).statusCode()).isEqualTo(200);
		String rejected = canary("token Twilio rejects", account);
		assertProblem(admin("PUT", "/credentials/" + account + "/au1", "{\"auth_token\":\"" + rejected + "\"}", vault),
				422, "credential-rejected-by-twilio");
	}

	@Test
	@Order(7)
	void subaccountSyncStoresCanaryTokensWithoutEchoingThem(VaultServer vault) {
		List<String> subs = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String sub = TestSids.accountSid();
			twilio.subaccount(ACCOUNT, sub, "ie1", canary("subaccount token " + i, sub), "active");
			subs.add(sub);
		}
		HttpResponse<String> sync = admin("POST", "/accounts/" + ACCOUNT + "/regions/ie1/subaccounts/sync", null, vault);
		assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
		assertThat(sync.body()).contains("\"created\":3");
		for (String sub : subs) {
			assertThat(send("GET", "/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + sub + ".json", null).statusCode())
				.as("a call signed with the synced token").isEqualTo(200);
		}
		assertThat(send("GET", "/api.dublin.ie1.twilio.com/2010-04-01/Accounts.json", null, "X-Twilio-Account-Sid",
				ACCOUNT).statusCode()).isEqualTo(200);
	}

	// --- webhooks

	@Test
	@Order(8)
	void webhookValidationAndTheFrontDoorAnswerWithoutASecret() {
		String url = "https://app.example.com/sms?tenant=7";
		Map<String, String> params = Map.of("From", "+353851234567", "Body", "canary");
		String signature = sign(TOKENS.get("ie1"), url, params);
		Map<String, Object> request = new LinkedHashMap<>(
				Map.of("account", ACCOUNT, "region", "ie1", "url", url, "signature", signature, "params", params));
		HttpResponse<String> valid = send("POST", "/webhooks/v1/validate", JSON.writeValueAsString(request),
				"Content-Type", "application/json");
		assertThat(JSON.readTree(valid.body()).path("valid").asBoolean()).as(valid.body()).isTrue();
		request.put("signature", sign(TestSids.authToken(), url, params));
		HttpResponse<String> invalid = send("POST", "/webhooks/v1/validate", JSON.writeValueAsString(request),
				"Content-Type", "application/json");
		assertThat(JSON.readTree(invalid.body()).path("valid").asBoolean()).as(invalid.body()).isFalse();

		String path = "/webhooks/in/sms/inbound";
		String body = "Body=canary&From=%2B353851234567";
		HttpResponse<String> forwarded = send("POST", path, body, "Content-Type", FORM, "X-Twilio-Signature",
				sign(TOKENS.get("ie1"), PUBLIC_BASE + path, Map.of("Body", "canary", "From", "+353851234567")));
		assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(201);
		assertThat(appReceived).hasSize(1);
		assertProblem(send("POST", path, body, "Content-Type", FORM, "X-Twilio-Signature", "AAAA"), 403,
				"webhook-signature-invalid");
		assertThat(appReceived).hasSize(1);
	}

	// --- the actuator

	@Test
	@Order(9)
	void healthInfoAndEveryMetricAnswer() {
		for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
				"/actuator/info")) {
			assertThat(send("GET", path, null).statusCode()).as(path).isEqualTo(200);
		}
		for (String path : List.of("/actuator/health", "/actuator/health/readiness")) {
			JsonNode health = JSON.readTree(send("GET", path, null).body());
			assertThat(health.propertyNames()).as("what an unauthenticated caller learns from " + path)
				.contains("status")
				.doesNotContain("components", "details");
		}
		HttpResponse<String> metrics = send("GET", "/actuator/metrics", null);
		assertThat(metrics.statusCode()).isEqualTo(200);
		List<String> names = new ArrayList<>();
		JSON.readTree(metrics.body()).path("names").forEach(name -> names.add(name.asString()));
		assertThat(names).isNotEmpty();
		for (String name : names) {
			assertThat(send("GET", "/actuator/metrics/" + name, null).statusCode()).as(name).isEqualTo(200);
		}
		assertThat(names).as("the meters docs/observability.md lists exist after the traffic above")
			.containsAll(documentedMeters());
	}

	/** @return the meter names in the first column of docs/observability.md's meter tables */
	private static List<String> documentedMeters() {
		List<String> meters = new ArrayList<>();
		try {
			Matcher row = METER_ROW.matcher(Files.readString(Path.of("docs/observability.md")));
			while (row.find()) {
				meters.add(row.group(1));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		assertThat(meters).as("meter rows in docs/observability.md").hasSizeGreaterThanOrEqualTo(10);
		return meters;
	}

	@ParameterizedTest(name = "{0} is not exposed")
	@ValueSource(strings = { "env", "configprops", "heapdump", "threaddump", "beans", "mappings", "loggers" })
	@Order(10)
	void endpointsThatCouldShowSecretsAre404(String endpoint) {
		assertThat(send("GET", "/actuator/" + endpoint, null).statusCode()).isEqualTo(404);
	}

	// --- the check

	@Test
	@Order(11)
	void theLogCaptureFormatsLinesWithTheMaskingLayout() {
		assertThat(logs.pattern()).contains("%m");
		LoggerFactory.getLogger(CanarySuiteIntegrationTests.class).info("probe {} end", TOKENS.get("us1"));
		assertThat(logs.text()).contains("probe " + SecretMasking.MASK + " end");
	}

	@Test
	@Order(100)
	void noCanaryReachedAnyCallerOrLogLine() {
		assertThat(caller.received()).hasSizeGreaterThan(50);
		Map<String, String> sources = caller.receivedAsText();
		sources.put("log", logs.text());
		assertThat(logs.text()).as("the audit lines were captured").contains("\"event\":\"proxy\"");
		assertThat(detector.canaries()).hasSizeGreaterThanOrEqualTo(12);
		assertThat(detector.findings(sources)).as("canaries found in responses or logs").isEmpty();
	}

	// --- helpers

	private static String canary(String label, String username) {
		String token = TestSids.authToken();
		detector.add(label, username, token);
		return token;
	}

	private static HttpResponse<String> send(String method, String path, String body, String... headers) {
		return caller.send(method, path, body, headers);
	}

	private static HttpResponse<String> admin(String method, String path, String body, VaultServer vault) {
		return send(method, "/admin/v1" + path, body, "Content-Type", "application/json", "X-Vault-Token",
				vault.rootToken());
	}

	private static void assertProblem(HttpResponse<String> response, int status, String problem) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("urn:twilio-vault-sidecar:problem:" + problem);
	}

	/** Twilio's X-Twilio-Signature: HMAC-SHA1 over the URL and the sorted parameters, base64. */
	static String sign(String token, String url, Map<String, String> params) {
		StringBuilder data = new StringBuilder(url);
		new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value));
		try {
			Mac mac = Mac.getInstance("HmacSHA1");
			mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
			return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpServer stubApp() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			server.createContext("/", exchange -> {
				appReceived.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
				byte[] answer = "<Response/>".getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "text/xml");
				exchange.sendResponseHeaders(201, answer.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(answer);
				}
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start the stub app on 127.0.0.1", ex);
		}
	}

}
