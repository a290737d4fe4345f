package io.github.twiliovaultsidecar.security;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
import io.github.twiliovaultsidecar.support.TwilioStandIn.Hostile;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy against a hostile upstream: a Twilio stand-in that quotes the credentials the sidecar
 * holds in every representation and place an answer has (XML, CSV, HTML, JSON, text/plain, no
 * content type, JSONP, an error body, a header, a gzip body, a token split across two chunks). No
 * caller response and no log line may hold any of them, as the canary leak detector checks at the
 * end; the representations of credential-bearing resources that are not JSON never reach Twilio.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileUpstreamIntegrationTests {

	private static final TwilioStandIn twilio = TwilioStandIn.start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String HOST = "api.dublin.ie1.twilio.com";

	private static final String ACCOUNT = TestSids.accountSid();

	private static final String SUBACCOUNT = TestSids.accountSid();

	private static final String TOKEN = TestSids.authToken();

	private static final String SUB_TOKEN = TestSids.authToken();

	private static final String BASIC = Base64.getEncoder()
		.encodeToString((ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));

	private static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages";

	private static final LeakDetector detector = new LeakDetector().add("ie1 token", ACCOUNT, TOKEN)
		.add("ie1 token of the subaccount", SUBACCOUNT, SUB_TOKEN);

	private static CapturingCaller caller;

	private static LogCapture logs;

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.proxy.products", () -> "api,accounts");
		// a deployment that lets its callers create API keys still never hands them the new secret
		registry.add("sidecar.security.allow-sensitive", () -> "api-keys");
	}

	@BeforeAll
	static void seed(VaultServer vault) {
		CredentialStore store = CredentialStore.vault(vault.rootTemplate(),
				new VaultLayout(vault.enableKv2("twilio"), ""));
		store.write(CredentialKey.of(ACCOUNT, "ie1"), Map.of("auth_token", TOKEN), SeedMetadata.NONE, 0);
		store.write(CredentialKey.of(SUBACCOUNT, "ie1"), Map.of("auth_token", SUB_TOKEN), SeedMetadata.NONE, 0);
		twilio.authToken(ACCOUNT, "ie1", TOKEN).subaccount(ACCOUNT, SUBACCOUNT, "ie1", SUB_TOKEN, "active");
	}

	@BeforeEach
	void setUp() {
		if (caller == null) {
			caller = new CapturingCaller("http://127.0.0.1:" + this.port);
			// both credentials are held in memory from here on, as after any traffic for them
			assertThat(get("/2010-04-01/Accounts/" + ACCOUNT + ".json").statusCode()).isEqualTo(200);
			assertThat(get("/2010-04-01/Accounts/" + SUBACCOUNT + ".json").statusCode()).isEqualTo(200);
		}
		if (logs == null || !logs.attached()) {
			logs = LogCapture.attach();
		}
		twilio.clearRequests();
		twilio.clearHostile();
	}

	@AfterAll
	static void stop() {
		twilio.close();
		if (logs != null) {
			logs.close();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/2010-04-01/Accounts", "/2010-04-01/Accounts.xml", "/2010-04-01/Accounts.csv",
			"/2010-04-01/Accounts.html", "/2010-04-01/Accounts/@", "/2010-04-01/Accounts/@.xml",
			"/2010-04-01/Accounts/@.csv", "/2010-04-01/Accounts/@/Keys.xml", "/2010-04-01/Accounts/@/SigningKeys" })
	@Order(1)
	void aCredentialBearingResourceIsForwardedAsJsonOnly(String template) throws Exception {
		String path = template.replace("@", ACCOUNT);
		twilio.hostile(path, Hostile.whole(200, "application/xml",
				"<TwilioResponse><Account><AuthToken>" + TOKEN + "</AuthToken></Account></TwilioResponse>"));
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.get("type").asString()).endsWith(":representation-not-forwarded");
		String use = problem.get("use").asString();
		assertThat(use).endsWith(".json").startsWith(path.replaceAll("\\.[a-z]+$", ""));
		assertThat(twilio.requests()).as("nothing reached Twilio").isEmpty();
		// the form it names is forwarded, and its token redacted by name
		HttpResponse<String> json = get(use);
		assertThat(json.statusCode()).isNotEqualTo(400);
		assertThat(json.body()).doesNotContain(TOKEN);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "application/xml", "text/csv", "text/html", "text/plain", "application/javascript", "" })
	@Order(2)
	void everyOtherRepresentationIsMaskedForTheHeldCredentials(String contentType) {
		String body = "Sid,AuthToken,Basic\n" + SUBACCOUNT + "," + SUB_TOKEN + "," + BASIC + "\ncb({\"t\":\"" + TOKEN
				+ "\"})";
		twilio.hostile(MESSAGES + ".xml", new Hostile(200,
				contentType.isEmpty() ? Map.of() : Map.of("Content-Type", contentType),
				List.of(body.getBytes(StandardCharsets.UTF_8)), false));
		HttpResponse<String> response = get(MESSAGES + ".xml");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).hasSameSizeAs(body)
			.doesNotContain(TOKEN)
			.doesNotContain(SUB_TOKEN)
			.doesNotContain(BASIC)
			.startsWith("Sid,AuthToken,Basic\n" + SUBACCOUNT + ",[redacted]");
		assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(body.length());
		assertThat(twilio.requests()).hasSize(1);
	}

	@Test
	@Order(3)
	void anErrorBodyAndAHeaderThatQuoteTheCredentialAreMasked() {
		twilio.hostile(MESSAGES + ".json",
				Hostile.whole(400, "application/json",
						"{\"code\":21211,\"message\":\"token " + TOKEN + " is not allowed\",\"more_info\":\"x\",\"status\":400}")
					.withHeader("X-Debug-Auth", "Basic " + BASIC)
					.withHeader("X-Debug-Token", TOKEN.toUpperCase()));
		HttpResponse<String> response = caller.send("POST", "/" + HOST + MESSAGES + ".json", "To=%2B1&Body=x",
				"Content-Type", "application/x-www-form-urlencoded");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).doesNotContain(TOKEN).contains("\"code\":21211").contains("token [redacted]");
		assertThat(response.headers().firstValue("X-Debug-Auth")).hasValueSatisfying(
				value -> assertThat(value).doesNotContain(BASIC).startsWith("Basic [redacted]"));
		assertThat(response.headers().firstValue("X-Debug-Token")).hasValueSatisfying(
				value -> assertThat(value).doesNotContainIgnoringCase(TOKEN));
		assertThat(counted("known-value", "header")).isGreaterThanOrEqualTo(2);
		assertThat(logs.text()).containsPattern("Masked a credential the sidecar holds in Twilio's answer to POST "
				+ MESSAGES + "\\.json \\(header (?i:x-debug-auth|x-debug-token), header (?i:x-debug-auth|x-debug-token), body\\)");
	}

	@Test
	@Order(4)
	void aTokenSplitAcrossTwoChunksIsMaskedAtEveryOffset() {
		String body = "<Messages><Note>" + TOKEN + "</Note></Messages>";
		int start = body.indexOf(TOKEN);
		double before = counted("known-value", "body");
		for (int cut = start; cut <= start + TOKEN.length(); cut++) {
			twilio.hostile(MESSAGES + ".xml", Hostile.chunked("application/xml", body.substring(0, cut), body.substring(cut)));
			HttpResponse<String> response = get(MESSAGES + ".xml");
			assertThat(response.body()).as("cut at %d", cut)
				.hasSameSizeAs(body)
				.doesNotContain(TOKEN)
				.startsWith("<Messages><Note>[redacted]")
				.endsWith("</Note></Messages>");
		}
		// counted once each answer's body has gone out, which may be just after the caller read it
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(counted("known-value", "body") - before).isEqualTo(TOKEN.length() + 1));
	}

	@Test
	@Order(5)
	void aCompressedAnswerIsWithheld() {
		twilio.hostile(MESSAGES + ".xml", Hostile.whole(200, "application/xml", "not really gzip " + TOKEN)
			.withHeader("Content-Encoding", "gzip"));
		HttpResponse<String> response = get(MESSAGES + ".xml");
		assertThat(response.statusCode()).isEqualTo(502);
		assertThat(response.body()).contains("upstream-response-unreadable").doesNotContain(TOKEN);
	}

	@Test
	@Order(6)
	void theJsonAccountsListAndANewKeyHaveTheirSecretsRedactedByName() throws Exception {
		HttpResponse<String> list = get("/2010-04-01/Accounts.json");
		assertThat(list.statusCode()).isEqualTo(200);
		JsonNode accounts = JSON.readTree(list.body()).get("accounts");
		assertThat(accounts).hasSize(2);
		accounts.forEach(account -> assertThat(account.get("auth_token").asString()).isEqualTo("[redacted]"));
		String secret = TestSids.hex(32);
		twilio.hostile("/2010-04-01/Accounts/" + ACCOUNT + "/Keys.json", Hostile.whole(201, "application/json",
				"{\"sid\":\"" + TestSids.apiKeySid() + "\",\"friendly_name\":\"k\",\"secret\":\"" + secret + "\"}"));
		HttpResponse<String> key = caller.send("POST", "/" + HOST + "/2010-04-01/Accounts/" + ACCOUNT + "/Keys.json",
				"FriendlyName=k", "Content-Type", "application/x-www-form-urlencoded");
		assertThat(key.statusCode()).isEqualTo(201);
		assertThat(JSON.readTree(key.body()).get("secret").asString()).isEqualTo("[redacted]");
		assertThat(twilio.requests(r -> r.path().endsWith("/Keys.json")).get(0).header("Accept"))
			.as("a credential-bearing resource is asked for as JSON").isEqualTo("application/json");
	}

	@Test
	@Order(7)
	void aRedirectToATwilioHostStaysOnTheSidecarAndOneElsewhereIsNeverFollowed() {
		twilio.hostile(MESSAGES + "/MM1/Media/ME1", new Hostile(302,
				Map.of("Location", "https://api.sydney.au1.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Media/ME1.json"),
				List.of(), false));
		HttpResponse<String> toTwilio = get(MESSAGES + "/MM1/Media/ME1");
		assertThat(toTwilio.statusCode()).isEqualTo(302);
		assertThat(toTwilio.headers().firstValue("Location"))
			.hasValue("/api.sydney.au1.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Media/ME1.json");
		String storage = "https://media-storage.example.test/ME1?Signature=abc";
		twilio.hostile(MESSAGES + "/MM1/Media/ME2", new Hostile(307, Map.of("Location", storage), List.of(), false));
		HttpResponse<String> elsewhere = get(MESSAGES + "/MM1/Media/ME2");
		assertThat(elsewhere.statusCode()).isEqualTo(307);
		assertThat(elsewhere.headers().firstValue("Location")).hasValue(storage);
		assertThat(twilio.requests()).as("the sidecar followed no redirect").hasSize(2);
	}

	@Test
	@Order(100)
	void noHeldCredentialReachedACallerOrALogLine() {
		assertThat(caller.received()).hasSizeGreaterThan(50);
		Map<String, String> sources = caller.receivedAsText();
		sources.put("log", logs.text());
		assertThat(logs.text()).contains("Masked a credential the sidecar holds");
		assertThat(detector.findings(sources)).as("credentials found in responses or logs").isEmpty();
	}

	private static HttpResponse<String> get(String path) {
		// a path without an account names it in the header, as an SDK's Basic user name would
		return path.contains("/Accounts/AC") ? caller.send("GET", "/" + HOST + path, null)
				: caller.send("GET", "/" + HOST + path, null, "X-Twilio-Account-Sid", ACCOUNT);
	}

	private double counted(String kind, String part) {
		return this.meters.get("sidecar.proxy.redactions").tag("kind", kind).tag("part", part).counter().count();
	}

}
