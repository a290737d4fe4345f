package io.github.twiliovaultsidecar.seeding;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.support.AdminSession;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;
import io.github.twiliovaultsidecar.twilio.Secret;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's seed, verify and write-permission contract against a real Vault and the Twilio
 * stand-in. After the class, no response any caller received holds any token used in it.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminApiIntegrationTests {

	@RegisterExtension
	static final AdminSession session = new AdminSession();

	static final TwilioStandIn twilio = session.twilio();

	static final JsonMapper JSON = JsonMapper.builder().build();

	SeedingVault vault;

	String account;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
	}

	@BeforeEach
	void setUp(VaultServer server) {
		this.vault = new SeedingVault(server);
		this.account = TestSids.accountSid();
	}

	@Test
	void aValidTokenIsVerifiedOnItsRegionAndStoredWithTheSeedersDisplayName() {
		String token = token();
		twilio.authToken(this.account, "ie1", token);
		String seeder = seederToken("alice");
		HttpResponse<String> response = put(this.account + "/ie1", "{\"auth_token\":\"" + token + "\"}", seeder);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.path("path").asString()).isEqualTo("twilio/" + this.account + "/ie1");
		assertThat(body.path("version").asLong()).isEqualTo(1);
		assertThat(body.path("fingerprint").asString()).isEqualTo(Secret.of(token).fingerprint());
		assertThat(body.path("verified_at").asString()).isNotEmpty();
		assertThat(body.path("seeded_by").asString()).contains("alice");
		assertThat(twilio.requests(r -> r.path().contains(this.account))).singleElement().satisfies(request -> {
			assertThat(request.host()).isEqualTo("api.dublin.ie1.twilio.com");
			assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + this.account + ".json");
			assertThat(request.basicAuth()).containsExactly(this.account, token);
		});
		JsonNode custom = this.vault.metadata(this.account + "/ie1").path("custom_metadata");
		assertThat(custom.path("source").asString()).isEqualTo("admin-api");
		assertThat(custom.path("seeded_by").asString()).contains("alice");
		assertThat(custom.path("verified_at").asString()).isEqualTo(body.path("verified_at").asString());
		assertThat(custom.path("fingerprint").asString()).isEqualTo(Secret.of(token).fingerprint());
		assertThat(custom.toString()).doesNotContain(token);
		JsonNode data = this.vault.data(this.account + "/ie1");
		assertThat(data.path("auth_token").asString()).isEqualTo(token);
		assertThat(data.path("edge").asString()).isEqualTo("dublin");
	}

	@Test
	void aUs1TokenSentForIe1IsRefusedWith422AndNothingIsWritten() {
		String us1 = token();
		twilio.authToken(this.account, "us1", us1);
		HttpResponse<String> response = put(this.account + "/ie1", "{\"auth_token\":\"" + us1 + "\"}",
				seederToken("bob"));
		assertProblem(response, 422, "credential-rejected-by-twilio");
		assertThat(response.body()).contains("ie1").contains("nothing was written");
		assertThat(this.vault.metadata(this.account + "/ie1")).isNull();
	}

	@Test
	void aRejectedTokenLeavesAnExistingEntryAtItsVersion() {
		String good = token();
		twilio.authToken(this.account, "au1", good);
		String seeder = seederToken("carol");
		assertThat(put(this.account + "/au1", "{\"auth_token\":\"" + good + "\"}", seeder).statusCode()).isEqualTo(200);
		HttpResponse<String> response = put(this.account + "/au1", "{\"auth_token\":\"" + token() + "\"}", seeder);
		assertProblem(response, 422, "credential-rejected-by-twilio");
		assertThat(this.vault.currentVersion(this.account + "/au1")).hasValue(1);
		assertThat(this.vault.data(this.account + "/au1").path("auth_token").asString()).isEqualTo(good);
	}

	@Test
	void aTokenWithoutWriteOnThePathGets403AndTwilioIsNotCalled() {
		String token = token();
		twilio.authToken(this.account, "ie1", token);
		String reader = this.vault.token("twilio-reader-" + TestSids.hex(6), SeedingVault.READER_POLICY, "dave");
		session.secrets().add(reader);
		HttpResponse<String> response = put(this.account + "/ie1", "{\"auth_token\":\"" + token + "\"}", reader);
		assertProblem(response, 403, "vault-permission-denied");
		assertThat(this.vault.metadata(this.account + "/ie1")).isNull();
		assertThat(twilio.requests(r -> r.path().contains(this.account))).isEmpty();
	}

	@Test
	void aMissingVaultTokenIs401() {
		HttpResponse<String> response = session.caller().send("PUT", "/admin/v1/credentials/" + this.account + "/ie1",
				"{\"auth_token\":\"" + token() + "\"}", "Content-Type", "application/json");
		assertProblem(response, 401, "vault-token-missing");
		assertThat(response.body()).contains("X-Vault-Token");
		assertThat(this.vault.metadata(this.account + "/ie1")).isNull();
	}

	@Test
	void aStaleCasIs409AndTheStoredVersionIsUnchanged() {
		String first = token();
		String second = token();
		String third = token();
		twilio.authToken(this.account, "ie1", first);
		String seeder = seederToken("erin");
		assertThat(put(this.account + "/ie1", "{\"auth_token\":\"" + first + "\"}", seeder).statusCode()).isEqualTo(200);
		twilio.authToken(this.account, "ie1", second);
		assertThat(put(this.account + "/ie1?cas=1", "{\"auth_token\":\"" + second + "\"}", seeder).statusCode())
			.isEqualTo(200);
		twilio.authToken(this.account, "ie1", third);
		HttpResponse<String> stale = put(this.account + "/ie1?cas=1", "{\"auth_token\":\"" + third + "\"}", seeder);
		assertProblem(stale, 409, "credential-version-conflict");
		assertThat(this.vault.currentVersion(this.account + "/ie1")).hasValue(2);
		assertThat(this.vault.data(this.account + "/ie1").path("auth_token").asString()).isEqualTo(second);
	}

	@Test
	void verifyFalseSkipsTwilioAndRecordsVerifiedFalseThenVerifyRecordsVerifiedAt() {
		String token = token();
		twilio.authToken(this.account, "au1", token);
		String seeder = seederToken("frank");
		HttpResponse<String> seeded = put(this.account + "/au1?verify=false",
				"{\"auth_token\":\"" + token + "\",\"edge\":\"sydney\"}", seeder);
		assertThat(seeded.statusCode()).as(seeded.body()).isEqualTo(200);
		assertThat(JSON.readTree(seeded.body()).has("verified_at")).isFalse();
		assertThat(twilio.requests(r -> r.path().contains(this.account))).isEmpty();
		JsonNode custom = this.vault.metadata(this.account + "/au1").path("custom_metadata");
		assertThat(custom.path("verified").asString()).isEqualTo("false");
		assertThat(custom.has("verified_at")).isFalse();

		HttpResponse<String> verified = session.caller().send("POST",
				"/admin/v1/credentials/" + this.account + "/au1/verify", null, "X-Vault-Token", seeder);
		assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
		assertThat(twilio.requests(r -> r.path().contains(this.account))).singleElement()
			.satisfies(request -> assertThat(request.host()).isEqualTo("api.sydney.au1.twilio.com"));
		JsonNode after = this.vault.metadata(this.account + "/au1");
		assertThat(after.path("custom_metadata").path("verified_at").asString())
			.isEqualTo(JSON.readTree(verified.body()).path("verified_at").asString());
		assertThat(after.path("custom_metadata").has("verified")).isFalse();
		assertThat(after.path("current_version").asLong()).isEqualTo(1);
	}

	@Test
	void anApiKeyIsVerifiedWithAReadItIsAllowedAndStoredWithItsSid() {
		String keySid = TestSids.apiKeySid();
		String keySecret = "s" + TestSids.hex(31);
		session.secrets().add(keySecret);
		twilio.apiKey(this.account, "us1", keySid, keySecret);
		HttpResponse<String> response = put(this.account + "/us1",
				"{\"api_key_sid\":\"" + keySid + "\",\"api_key_secret\":\"" + keySecret + "\"}", seederToken("gina"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(JSON.readTree(response.body()).path("kind").asString()).isEqualTo("api_key");
		assertThat(twilio.requests(r -> r.path().contains(this.account))).singleElement().satisfies(request -> {
			assertThat(request.path()).endsWith("/Messages.json");
			assertThat(request.host()).isEqualTo("api.twilio.com");
			assertThat(request.basicAuth()).containsExactly(keySid, keySecret);
		});
		JsonNode data = this.vault.data(this.account + "/us1");
		assertThat(data.path("api_key_sid").asString()).isEqualTo(keySid);
		assertThat(data.has("auth_token")).isFalse();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"malformed account SID | AC123 | ie1 | {\"auth_token\":\"%s\"} | | 400 | invalid-account-sid",
			"unknown region format | %a | eu-west-1 | {\"auth_token\":\"%s\"} | | 400 | invalid-region",
			"region with no known edge | %a | zz9 | {\"auth_token\":\"%s\"} | | 400 | invalid-twilio-host",
			"empty token | %a | ie1 | {\"auth_token\":\"\"} | | 422 | invalid-credential",
			"blank token | %a | ie1 | {\"auth_token\":\"   \"} | | 422 | invalid-credential",
			"oversized token | %a | ie1 | {\"auth_token\":\"%l\"} | | 422 | invalid-credential",
			"non-JSON body | %a | ie1 | auth_token=%s | | 400 | invalid-seed-request",
			"unknown JSON field | %a | ie1 | {\"auth_token\":\"%s\",\"authToken\":\"%s\"} | | 400 | invalid-seed-request",
			"token and API key | %a | ie1 | {\"auth_token\":\"%s\",\"api_key_sid\":\"SK00000000000000000000000000000000\",\"api_key_secret\":\"%s\"} | | 400 | invalid-seed-request",
			"bad API key SID | %a | ie1 | {\"api_key_sid\":\"SK1\",\"api_key_secret\":\"%s\"} | | 400 | invalid-api-key-sid",
			"unknown edge | %a | ie1 | {\"auth_token\":\"%s\",\"edge\":\"atlantis\"} | | 400 | invalid-edge",
			"no body | %a | ie1 | | | 400 | invalid-seed-request",
			"bad cas | %a | ie1 | {\"auth_token\":\"%s\"} | ?cas=x | 400 | invalid-seed-request",
			"bad verify flag | %a | ie1 | {\"auth_token\":\"%s\"} | ?verify=maybe | 400 | invalid-seed-request" })
	void badInputIsAProblemAndNeitherTwilioNorVaultSeesAnything(String name, String account, String region,
			String body, String query, int status, String problem) {
		String token = token();
		twilio.authToken(this.account, "ie1", token);
		String path = account.replace("%a", this.account) + "/" + region + ((query != null) ? query : "");
		String json = (body == null) ? null : body.replace("%s", token).replace("%l", "a".repeat(257));
		HttpResponse<String> response = put(path, json, seederToken("hank"));
		assertProblem(response, status, problem);
		assertThat(response.body()).doesNotContain(token);
		assertThat(twilio.requests(r -> r.path().contains(this.account) || r.path().contains("AC123"))).isEmpty();
		assertThat(this.vault.metadata(this.account + "/" + region.replace("-", ""))).isNull();
		assertThat(this.vault.metadata(this.account + "/ie1")).isNull();
	}

	private HttpResponse<String> put(String pathAndQuery, String body, String vaultToken) {
		return session.caller().send("PUT", "/admin/v1/credentials/" + pathAndQuery, body, "Content-Type", "application/json",
				"X-Vault-Token", vaultToken);
	}

	private String seederToken(String displayName) {
		String token = this.vault.token("twilio-seeder", SeedingVault.SEEDER_POLICY, displayName);
		session.secrets().add(token);
		return token;
	}

	private static String token() {
		return session.token();
	}

	static void assertProblem(HttpResponse<String> response, int status, String problem) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("urn:twilio-vault-sidecar:problem:" + problem);
	}

}
