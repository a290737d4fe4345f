package io.github.twiliovaultsidecar.security;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.RawHttp;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input table: every case must get a 4xx with an {@code application/problem+json} body, send
 * nothing to Twilio (the stand-in records no request) and write nothing to Vault (a Vault file audit
 * device records no create, update, patch or delete under the mount, and the stored entries keep
 * their versions). A few cases are refused by Netty itself before any application code runs (a
 * request line or headers too long, a malformed header); those say so in their name and may be
 * answered by Netty's bare 4xx or a closed connection instead of a problem detail.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BadInputIntegrationTests {

	private static final TwilioStandIn twilio = TwilioStandIn.start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String ACCOUNT = TestSids.accountSid();

	/** An account with nothing stored: admin cases aim at it, so any write would create an entry. */
	private static final String UNSEEDED = TestSids.accountSid();

	private static final String TOKEN = TestSids.authToken();

	private static final String IE1 = "/api.dublin.ie1.twilio.com";

	private static final String ACCOUNT_PATH = "/2010-04-01/Accounts/" + ACCOUNT;

	private static final String MESSAGES = IE1 + ACCOUNT_PATH + "/Messages.json";

	private static final String FORM = "application/x-www-form-urlencoded";

	private static final String JSON_TYPE = "application/json";

	private static final String AUDIT_DEVICE = "bad-input-" + TestSids.hex(8);

	private static Path auditFile;

	private static VaultServer vault;

	@LocalServerPort
	int port;

	private CapturingCaller caller;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer vault = VaultServer.shared();
		registry.add("spring.cloud.vault.uri", vault::address);
		registry.add("spring.cloud.vault.token", vault::rootToken);
		registry.add("sidecar.twilio.upstream-override", twilio::baseUrl);
		registry.add("sidecar.proxy.max-request-body", () -> "64KB");
		registry.add("sidecar.webhooks.max-body-size", () -> "16KB");
		registry.add("sidecar.webhooks.routes[0].name", () -> "sms");
		registry.add("sidecar.webhooks.routes[0].app-url", () -> "http://127.0.0.1:1/nothing-listens");
		registry.add("sidecar.webhooks.routes[0].account", () -> ACCOUNT);
		registry.add("sidecar.webhooks.routes[0].region", () -> "ie1");
	}

	@BeforeAll
	static void seedAndAudit(VaultServer server) throws IOException {
		vault = server;
		CredentialStore store = CredentialStore.vault(server.rootTemplate(),
				new VaultLayout(server.enableKv2("twilio"), ""));
		for (String region : List.of("us1", "ie1", "au1")) {
			store.write(CredentialKey.of(ACCOUNT, region), Map.of("auth_token", TOKEN), SeedMetadata.NONE, 0);
			twilio.authToken(ACCOUNT, region, TOKEN);
		}
		auditFile = Files.createTempFile("vault-audit-", ".log");
		HttpResponse<String> enabled = server.http("PUT", "sys/audit/" + AUDIT_DEVICE,
				"{\"type\":\"file\",\"options\":{\"file_path\":\"" + auditFile + "\"}}");
		assertThat(enabled.statusCode()).as("enable a Vault file audit device: %s", enabled.body()).isBetween(200, 204);
	}

	@AfterAll
	static void stop() throws IOException {
		vault.http("DELETE", "sys/audit/" + AUDIT_DEVICE, null);
		Files.deleteIfExists(auditFile);
		twilio.close();
	}

	@BeforeEach
	void setUp() {
		this.caller = new CapturingCaller("http://127.0.0.1:" + this.port);
		twilio.clearRequests();
	}

	@Test
	void theAuditDeviceSeesAWriteSoItsSilenceMeansSomething() throws IOException {
		long before = Files.size(auditFile);
		vault.http("POST", "twilio/data/" + TestSids.accountSid() + "/jp1", "{\"data\":{\"auth_token\":\"x\"}}");
		assertThat(writesSince(before)).hasSize(1);
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@MethodSource("cases")
	void badInputIsA4xxProblemAndReachesNeitherTwilioNorVault(Case input) throws IOException {
		long auditBefore = Files.size(auditFile);
		Answer answer = input.send(this.caller, this.port);

		if (input.nettyMayAnswer() && (answer.status() == 0 || !answer.isProblem())) {
			assertThat(answer.status()).as("Netty's own answer (0 = connection closed): %s", answer)
				.satisfiesAnyOf(status -> assertThat(status).isZero(), status -> assertThat(status).isBetween(400, 499));
		}
		else {
			assertThat(answer.status()).as("%s", answer).isBetween(400, 499);
			assertThat(answer.isProblem()).as("problem+json: %s", answer).isTrue();
			JsonNode problem = JSON.readTree(answer.body());
			assertThat(problem.path("status").asInt()).isEqualTo(answer.status());
			assertThat(problem.path("title").asString()).isNotEmpty();
		}
		assertThat(answer.body()).doesNotContain(TOKEN);
		assertThat(twilio.requests()).as("requests that reached the Twilio stand-in").isEmpty();
		assertThat(writesSince(auditBefore)).as("Vault writes under twilio/").isEmpty();
		for (String region : List.of("us1", "ie1", "au1")) {
			assertThat(currentVersion(ACCOUNT + "/" + region)).as(region).isEqualTo(1);
		}
		for (String region : List.of("us1", "ie1", "au1", "ie2")) {
			assertThat(currentVersion(UNSEEDED + "/" + region)).as(region).isZero();
		}
	}

	static Stream<Case> cases() {
		String basicOfShortSid = CapturingCaller.basic("AC123", "x");
		String unseededPut = "/admin/v1/credentials/" + UNSEEDED + "/ie1";
		String seed = "{\"auth_token\":\"" + TestSids.authToken() + "\"}";
		String validate = "/webhooks/v1/validate";
		String validBody = "{\"account\":\"" + ACCOUNT + "\",\"region\":\"ie1\",\"url\":\"https://a.example.com/x\","
				+ "\"signature\":\"AAAA\",\"params\":{}";
		List<Case> cases = new ArrayList<>(List.of(
				// path traversal and its encodings
				http("dot-dot segment", "GET", IE1 + ACCOUNT_PATH + "/../Messages.json"),
				http("dot-dot out of the host segment", "GET", IE1 + "/../admin/v1/credentials"),
				http("%2e%2e", "GET", IE1 + ACCOUNT_PATH + "/%2e%2e/Messages.json"),
				http("%2E%2e mixed case", "GET", IE1 + ACCOUNT_PATH + "/%2E%2e/Messages.json"),
				http(".%2e half encoded", "GET", IE1 + ACCOUNT_PATH + "/.%2e/Messages.json"),
				http("%252e%252e double encoded", "GET", IE1 + ACCOUNT_PATH + "/%252e%252e/Messages.json"),
				http("%2f encoded slash", "GET", IE1 + ACCOUNT_PATH + "%2fMessages.json"),
				http("%5c encoded backslash", "GET", IE1 + ACCOUNT_PATH + "%5cMessages.json"),
				raw("raw backslash (refused by the server adapter: not a URI)",
						"GET " + IE1 + ACCOUNT_PATH + "\\..\\Messages.json", "").refusedByNetty(),
				http("percent-encoded host", "GET", "/%61pi.twilio.com" + ACCOUNT_PATH + "/Messages.json"),
				http("traversal in the admin path", "PUT", unseededPut + "/%2e%2e/us1", seed, "Content-Type", JSON_TYPE),
				http("traversal through the webhook front door", "POST", "/webhooks/in/sms/../../admin/v1/credentials",
						"Body=x", "Content-Type", FORM),
				// CRLF
				http("encoded CRLF in the query", "GET", MESSAGES + "?To=%0d%0aX-Injected:%20yes"),
				http("encoded CRLF in the path", "GET", MESSAGES + "%0d%0aX-Injected:%20yes"),
				raw("bare CR in a header value (Netty may refuse)", "GET " + MESSAGES, "X-Custom: a\rX-Injected: yes\r\n")
					.refusedByNetty(),
				raw("NUL in a header value (Netty may refuse)", "GET " + MESSAGES, "X-Custom: a\0b\r\n").refusedByNetty(),
				raw("space before a header colon (Netty refuses)", "GET " + MESSAGES, "X-Custom : a\r\n").refusedByNetty(),
				// header smuggling
				rawWithBody("Content-Length and Transfer-Encoding together", "POST " + MESSAGES,
						"Content-Type: " + FORM + "\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n",
						"6\r\nBody=x\r\n0\r\n\r\n").refusedByNetty(),
				rawWithBody("two different Content-Length values (Netty refuses)", "POST " + MESSAGES,
						"Content-Type: " + FORM + "\r\nContent-Length: 6\r\nContent-Length: 7\r\n", "Body=x!")
					.refusedByNetty(),
				rawWithBody("Transfer-Encoding that is not chunked (Netty may refuse)", "POST " + MESSAGES,
						"Content-Type: " + FORM + "\r\nTransfer-Encoding: xchunked\r\n", "6\r\nBody=x\r\n0\r\n\r\n")
					.refusedByNetty(),
				rawWithBody("Transfer-Encoding chunked then gzip (Netty refuses)", "POST " + MESSAGES,
						"Content-Type: " + FORM + "\r\nTransfer-Encoding: chunked, gzip\r\n", "6\r\nBody=x\r\n0\r\n\r\n")
					.refusedByNetty(),
				rawWithBody("Content-Length with a sign (Netty refuses)", "POST " + MESSAGES,
						"Content-Type: " + FORM + "\r\nContent-Length: +6\r\n", "Body=x").refusedByNetty(),
				// oversized input
				http("headers over 16KB (Netty answers 431)", "GET", MESSAGES, null, "X-Big", "x".repeat(17 * 1024))
					.refusedByNetty(),
				http("request line over 4KB (Netty answers 414)", "GET", MESSAGES + "?PageSize=" + "1".repeat(5 * 1024))
					.refusedByNetty(),
				// refused from the declared length, unread: only the headers are sent, since a client still
				// sending the body could see the connection close before it read the answer
				rawWithBody("proxy body over the limit (declared)", "POST " + MESSAGES,
						"Content-Type: " + FORM + "\r\nContent-Length: " + 70 * 1024 + "\r\n", ""),
				rawWithBody("validate body over the limit (declared)", "POST " + validate,
						"Content-Type: " + JSON_TYPE + "\r\nContent-Length: " + 20 * 1024 + "\r\n", ""),
				http("admin body over the limit", "PUT", unseededPut,
						"{\"auth_token\":\"" + "a".repeat(300 * 1024) + "\"}", "Content-Type", JSON_TYPE),
				// host look-alikes
				http("regional host with a suffix", "GET", "/api.dublin.ie1.twilio.com.evil.com" + ACCOUNT_PATH + ".json"),
				http("dashes for dots", "GET", "/api-dublin-ie1.twilio.com.x" + ACCOUNT_PATH + ".json"),
				http("twilio.com.evil", "GET", "/twilio.com.evil" + ACCOUNT_PATH + ".json"),
				http("user-info before the host", "GET", "/user@api.twilio.com" + ACCOUNT_PATH + ".json"),
				http("host with a port", "GET", "/api.twilio.com:443" + ACCOUNT_PATH + ".json"),
				http("IP address", "GET", "/127.0.0.1" + ACCOUNT_PATH + ".json"),
				http("trailing dot", "GET", "/api.twilio.com." + ACCOUNT_PATH + ".json"),
				// unicode confusables
				http("Cyrillic a in api, percent-encoded", "GET", "/%D0%B0pi.twilio.com" + ACCOUNT_PATH + ".json"),
				raw("Cyrillic o in twilio, raw UTF-8", "GET /api.twili\u043e.com" + ACCOUNT_PATH + ".json", ""),
				raw("fullwidth twilio, raw UTF-8 (refused by the server adapter: not a URI)",
						"GET /api.\uff54\uff57\uff49\uff4c\uff49\uff4f.com" + ACCOUNT_PATH + ".json", "").refusedByNetty(),
				raw("dotless i in twilio, raw UTF-8", "GET /api.tw\u0131lio.com" + ACCOUNT_PATH + ".json", ""),
				// SID and region fuzz
				http("short Account SID in the path", "GET", IE1 + "/2010-04-01/Accounts/AC123/Messages.json"),
				http("long Account SID in the path", "GET", IE1 + "/2010-04-01/Accounts/" + ACCOUNT + "0/Messages.json"),
				http("non-hex Account SID in the path", "GET", IE1 + "/2010-04-01/Accounts/AC" + "zz".repeat(16)
						+ "/Messages.json"),
				http("lower-case ac prefix in the path", "GET", IE1 + "/2010-04-01/Accounts/ac" + ACCOUNT.substring(2)
						+ "/Messages.json"),
				http("API key SID as the account in the path", "GET", IE1 + "/2010-04-01/Accounts/" + TestSids.apiKeySid()
						+ "/Messages.json"),
				http("malformed Account SID as the Basic user name", "GET", IE1 + "/2010-04-01/Accounts.json", null,
						"Authorization", basicOfShortSid),
				http("API key SID as the only Basic user name", "GET", IE1 + "/2010-04-01/Accounts.json", null,
						"Authorization", CapturingCaller.basic(TestSids.apiKeySid(), "x")),
				http("garbage X-Twilio-Account-Sid", "GET", IE1 + "/2010-04-01/Accounts.json", null,
						"X-Twilio-Account-Sid", "AC' OR 1=1 --"),
				http("API key SID in X-Twilio-Account-Sid", "GET", IE1 + "/2010-04-01/Accounts.json", null,
						"X-Twilio-Account-Sid", TestSids.apiKeySid()),
				http("Basic user name and header disagree", "GET", IE1 + "/2010-04-01/Accounts.json", null,
						"Authorization", CapturingCaller.basic(ACCOUNT, "x"), "X-Twilio-Account-Sid",
						TestSids.accountSid()),
				http("region ie2 has no stored credential", "GET", "/api.dublin.ie2.twilio.com/2010-04-01/Accounts/"
						+ UNSEEDED + ".json"),
				http("region with two digits", "GET", "/api.dublin.ie11.twilio.com" + ACCOUNT_PATH + ".json"),
				http("upper-case region in the admin path", "PUT", "/admin/v1/credentials/" + UNSEEDED + "/IE-1", seed,
						"Content-Type", JSON_TYPE),
				// malformed admin bodies
				http("admin: truncated JSON", "PUT", unseededPut, "{\"auth_token\":", "Content-Type", JSON_TYPE),
				http("admin: a form instead of JSON", "PUT", unseededPut, "auth_token=" + TestSids.authToken(),
						"Content-Type", FORM),
				http("admin: an unknown field", "PUT", unseededPut, "{\"auth_token\":\"" + TestSids.authToken()
						+ "\",\"owner\":\"x\"}", "Content-Type", JSON_TYPE),
				http("admin: a JSON array", "PUT", unseededPut, "[" + seed + "]", "Content-Type", JSON_TYPE),
				http("admin: the token as a number", "PUT", unseededPut, "{\"auth_token\":12345678901234567890}",
						"Content-Type", JSON_TYPE),
				http("admin: duplicate field", "PUT", unseededPut, "{\"auth_token\":\"" + TestSids.authToken()
						+ "\",\"auth_token\":\"" + TestSids.authToken() + "\"}", "Content-Type", JSON_TYPE),
				http("admin: text/plain content type", "PUT", unseededPut, seed, "Content-Type", "text/plain"),
				http("admin: XML content type", "PUT", unseededPut, "<auth_token>x</auth_token>", "Content-Type",
						"application/xml"),
				// malformed webhook validation bodies
				http("validate: truncated JSON", "POST", validate, "{\"account\":", "Content-Type", JSON_TYPE),
				http("validate: a form instead of JSON", "POST", validate, "account=" + ACCOUNT + "&region=ie1",
						"Content-Type", FORM),
				http("validate: an unknown field", "POST", validate, validBody + ",\"sigature\":\"x\"}", "Content-Type",
						JSON_TYPE),
				http("validate: text/plain content type", "POST", validate, validBody + "}", "Content-Type", "text/plain"),
				http("validate: account of the wrong type", "POST", validate,
						validBody.replace("\"" + ACCOUNT + "\"", "1") + "}", "Content-Type", JSON_TYPE),
				http("validate: malformed Account SID", "POST", validate, validBody.replace(ACCOUNT, "AC123") + "}",
						"Content-Type", JSON_TYPE),
				http("validate: malformed region", "POST", validate, validBody.replace("\"ie1\"", "\"ie-1\"") + "}",
						"Content-Type", JSON_TYPE),
				// methods
				http("TRACE to the proxy", "TRACE", MESSAGES),
				http("TRACE to the admin API", "TRACE", "/admin/v1/credentials"),
				raw("CONNECT in authority form (Netty may refuse)", "CONNECT api.twilio.com:443", "").refusedByNetty(),
				raw("CONNECT to a proxy path", "CONNECT " + MESSAGES, ""),
				http("an unknown method", "PROPFIND", MESSAGES),
				// credential-bearing resources in a representation other than JSON
				http("the Accounts list as XML (no extension)", "GET", IE1 + "/2010-04-01/Accounts", null,
						"X-Twilio-Account-Sid", ACCOUNT),
				http("the Accounts list as .xml", "GET", IE1 + "/2010-04-01/Accounts.xml", null, "X-Twilio-Account-Sid",
						ACCOUNT),
				http("the Accounts list as .csv", "GET", IE1 + "/2010-04-01/Accounts.csv", null, "X-Twilio-Account-Sid",
						ACCOUNT),
				http("an Account without an extension", "GET", IE1 + ACCOUNT_PATH),
				http("an Account as .xml", "GET", IE1 + ACCOUNT_PATH + ".xml"),
				http("an Account as .html", "GET", IE1 + ACCOUNT_PATH + ".html"),
				http("a new API key as .xml", "POST", IE1 + ACCOUNT_PATH + "/Keys.xml", "FriendlyName=k", "Content-Type",
						FORM),
				http("a new signing key as .csv", "POST", IE1 + ACCOUNT_PATH + "/SigningKeys.csv", "FriendlyName=k",
						"Content-Type", FORM)));
		return cases.stream();
	}

	// --- the table's plumbing

	private static Case http(String name, String method, String path) {
		return new Case(name, method, path, null, new String[0], null, false);
	}

	private static Case http(String name, String method, String path, String body, String... headers) {
		return new Case(name, method, path, body, headers, null, false);
	}

	/** @param requestLineStart method and target, e.g. {@code GET /x} */
	private static Case raw(String name, String requestLineStart, String extraHeaderLines) {
		return new Case(name, null, null, null, new String[0], requestLineStart + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ extraHeaderLines + "X-Vault-Token: {root}\r\nConnection: close\r\n\r\n", false);
	}

	private static Case rawWithBody(String name, String requestLineStart, String headerLines, String body) {
		return new Case(name, null, null, null, new String[0], requestLineStart + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ headerLines + "Connection: close\r\n\r\n" + body, false);
	}

	private static List<String> writesSince(long offset) throws IOException {
		List<String> writes = new ArrayList<>();
		byte[] all = Files.readAllBytes(auditFile);
		String added = new String(all, (int) Math.min(offset, all.length), (int) (all.length - Math.min(offset, all.length)),
				StandardCharsets.UTF_8);
		for (String line : added.split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			JsonNode entry = JSON.readTree(line);
			JsonNode request = entry.path("request");
			String operation = request.path("operation").asString();
			if ("request".equals(entry.path("type").asString()) && request.path("path").asString().startsWith("twilio/")
					&& List.of("create", "update", "patch", "delete").contains(operation)) {
				writes.add(operation + " " + request.path("path").asString());
			}
		}
		return writes;
	}

	private static long currentVersion(String relativePath) {
		HttpResponse<String> response = vault.http("GET", "twilio/metadata/" + relativePath, null);
		return (response.statusCode() == 404) ? 0 : JSON.readTree(response.body()).path("data").path("current_version").asLong();
	}

	/** What came back, from either client. */
	record Answer(int status, String contentType, String body) {

		boolean isProblem() {
			return this.contentType.startsWith("application/problem+json");
		}

	}

	/**
	 * One row of the table: sent through {@link CapturingCaller} ({@code method}, {@code path}) or, for
	 * bytes no client will send, through {@link RawHttp} ({@code raw}).
	 */
	record Case(String name, String method, String path, String body, String[] headers, String raw,
			boolean nettyMayAnswer) {

		Case refusedByNetty() {
			return new Case(this.name, this.method, this.path, this.body, this.headers, this.raw, true);
		}

		Answer send(CapturingCaller caller, int port) {
			if (this.raw != null) {
				RawHttp.Answer answer = new RawHttp(port).send(this.raw.replace("{root}", vault.rootToken()));
				return new Answer(answer.status(), answer.contentType(), answer.body());
			}
			List<String> headers = new ArrayList<>(List.of(this.headers));
			if (this.path.startsWith("/admin/")) {
				headers.addAll(List.of("X-Vault-Token", vault.rootToken()));
			}
			HttpResponse<String> response;
			try {
				response = caller.send(this.method, this.path, this.body, headers.toArray(String[]::new));
			}
			catch (IllegalStateException ex) {
				if (this.nettyMayAnswer) {
					return new Answer(0, "", "");
				}
				throw ex;
			}
			return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
					response.body());
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
