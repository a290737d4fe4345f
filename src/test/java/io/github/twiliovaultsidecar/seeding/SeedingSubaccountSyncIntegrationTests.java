package io.github.twiliovaultsidecar.seeding;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.support.AdminSession;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.TwilioStandIn.Recorded;
import io.github.twiliovaultsidecar.support.VaultServer;

import static io.github.twiliovaultsidecar.seeding.AdminApiIntegrationTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subaccount sync over the stand-in's paged Accounts list (page size 2), writing with a seeder's
 * token into a real Vault, then proxy calls signed with the synced tokens.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SeedingSubaccountSyncIntegrationTests {

	@RegisterExtension
	static final AdminSession session = new AdminSession();

	static final TwilioStandIn twilio = session.twilio();

	static final JsonMapper JSON = JsonMapper.builder().build();

	SeedingVault vault;

	String parent;

	String seeder;

	final Map<String, String> subTokens = new LinkedHashMap<>();

	String suspended;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.seeding.subaccount-page-size", () -> "2");
	}

	@BeforeEach
	void parentWithFiveSubaccountsOneSuspended(VaultServer server) {
		this.vault = new SeedingVault(server);
		this.parent = TestSids.accountSid();
		String parentToken = secret();
		twilio.authToken(this.parent, "ie1", parentToken);
		this.vault.writeRaw(this.parent + "/ie1", "{\"auth_token\":\"" + parentToken + "\",\"edge\":\"dublin\"}");
		for (int i = 0; i < 5; i++) {
			String sub = TestSids.accountSid();
			String token = secret();
			boolean isSuspended = (i == 2);
			twilio.subaccount(this.parent, sub, "ie1", token, isSuspended ? "suspended" : "active");
			if (isSuspended) {
				this.suspended = sub;
			}
			else {
				this.subTokens.put(sub, token);
			}
		}
		this.seeder = this.vault.token("twilio-seeder", SeedingVault.SEEDER_POLICY, "sync-operator");
		session.secrets().add(this.seeder);
	}

	@Test
	void syncStoresEveryActiveSubaccountSkipsTheSuspendedOneAndASecondSyncChangesNothing() {
		HttpResponse<String> first = sync("");
		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		JsonNode report = JSON.readTree(first.body());
		assertThat(report.path("counts").path("created").asInt()).isEqualTo(4);
		assertThat(report.path("counts").path("skipped-suspended").asInt()).isEqualTo(1);
		assertThat(report.path("counts").path("failed").asInt()).isZero();
		assertThat(outcomes(report)).containsEntry(this.suspended, "skipped-suspended").doesNotContainKey(this.parent)
			.hasSize(5);
		List<Recorded> pages = twilio.requests(r -> r.path().equals("/2010-04-01/Accounts.json")
				&& r.basicAuth().contains(this.parent));
		assertThat(pages).hasSize(3).allSatisfy(page -> {
			assertThat(page.query()).contains("PageSize=2");
			assertThat(page.host()).isEqualTo("api.dublin.ie1.twilio.com");
		});
		this.subTokens.forEach((sub, token) -> {
			JsonNode data = this.vault.data(sub + "/ie1");
			assertThat(data.path("auth_token").asString()).isEqualTo(token);
			assertThat(data.path("edge").asString()).isEqualTo("dublin");
			JsonNode custom = this.vault.metadata(sub + "/ie1").path("custom_metadata");
			assertThat(custom.path("source").asString()).isEqualTo("subaccount-sync");
			assertThat(custom.path("seeded_by").asString()).contains("sync-operator");
			assertThat(this.vault.currentVersion(sub + "/ie1")).hasValue(1);
		});
		assertThat(this.vault.metadata(this.suspended + "/ie1")).isNull();
		assertThat(this.vault.currentVersion(this.parent + "/ie1")).hasValue(1);

		HttpResponse<String> second = sync("");
		assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
		JsonNode again = JSON.readTree(second.body());
		assertThat(again.path("counts").path("unchanged").asInt()).isEqualTo(4);
		assertThat(again.path("counts").path("created").asInt()).isZero();
		assertThat(again.path("counts").path("updated").asInt()).isZero();
		this.subTokens.keySet().forEach(sub -> assertThat(this.vault.currentVersion(sub + "/ie1")).hasValue(1));
	}

	@Test
	void proxyCallsForASyncedSubaccountAreSignedWithItsOwnRegionalToken() {
		assertThat(sync("").statusCode()).isEqualTo(200);
		String sub = this.subTokens.keySet().iterator().next();
		twilio.clearRequests();
		HttpResponse<String> response = session.caller().send("GET",
				"/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + sub + "/Messages.json", null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(twilio.requests(r -> r.path().contains(sub))).singleElement()
			.satisfies(request -> assertThat(request.basicAuth()).containsExactly(sub, this.subTokens.get(sub)));
	}

	@Test
	void aRotatedSubaccountTokenIsUpdatedWithANewVersion() {
		assertThat(sync("").statusCode()).isEqualTo(200);
		String sub = this.subTokens.keySet().iterator().next();
		String rotated = secret();
		twilio.subaccount(this.parent, sub, "ie1", rotated, "active");
		HttpResponse<String> response = sync("?subaccount=" + sub);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(outcomes(JSON.readTree(response.body()))).containsExactly(Map.entry(sub, "updated"));
		assertThat(this.vault.currentVersion(sub + "/ie1")).hasValue(2);
		assertThat(this.vault.data(sub + "/ie1").path("auth_token").asString()).isEqualTo(rotated);
	}

	@Test
	void aParentApiKeyTwilioRefusesIsA422SayingSyncNeedsTheAuthTokenOrAMainKey() {
		String other = TestSids.accountSid();
		String keySid = TestSids.apiKeySid();
		String keySecret = secret();
		this.vault.writeRaw(other + "/ie1",
				"{\"api_key_sid\":\"" + keySid + "\",\"api_key_secret\":\"" + keySecret + "\",\"edge\":\"dublin\"}");
		HttpResponse<String> response = session.caller().send("POST",
				"/admin/v1/accounts/" + other + "/regions/ie1/subaccounts/sync", null, "X-Vault-Token", this.seeder);
		assertProblem(response, 422, "subaccount-sync-refused");
		assertThat(response.body()).contains("Main API key").contains("Auth Token");
	}

	@Test
	void syncWithoutAStoredParentCredentialIs404NamingThePath() {
		String other = TestSids.accountSid();
		HttpResponse<String> response = session.caller().send("POST",
				"/admin/v1/accounts/" + other + "/regions/ie1/subaccounts/sync", null, "X-Vault-Token", this.seeder);
		assertProblem(response, 404, "credential-not-found");
		assertThat(response.body()).contains("twilio/" + other + "/ie1");
	}

	private HttpResponse<String> sync(String query) {
		return session.caller()
			.send("POST", "/admin/v1/accounts/" + this.parent + "/regions/ie1/subaccounts/sync" + query, null,
					"X-Vault-Token", this.seeder);
	}

	private static Map<String, String> outcomes(JsonNode report) {
		Map<String, String> outcomes = new LinkedHashMap<>();
		report.path("subaccounts").forEach(node -> outcomes.put(node.path("account").asString(),
				node.path("outcome").asString()));
		return outcomes;
	}

	private static String secret() {
		return session.token();
	}

}
