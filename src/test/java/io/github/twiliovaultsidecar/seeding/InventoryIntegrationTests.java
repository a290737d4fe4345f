package io.github.twiliovaultsidecar.seeding;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.support.AdminSession;
import io.github.twiliovaultsidecar.support.MutableClock;
import io.github.twiliovaultsidecar.support.TestClockConfiguration;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static io.github.twiliovaultsidecar.seeding.AdminApiIntegrationTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inventory over entries written the way the Vault UI writes them: one test per problem kind,
 * and never a secret in the output.
 */
@RealVault
@Import(TestClockConfiguration.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InventoryIntegrationTests {

	@RegisterExtension
	static final AdminSession session = new AdminSession();

	static final TwilioStandIn twilio = session.twilio();

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	MutableClock clock;

	SeedingVault vault;

	String rootToken;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.seeding.max-age", () -> "30d");
	}

	@BeforeEach
	void setUp(VaultServer server) {
		this.vault = new SeedingVault(server);
		this.rootToken = server.rootToken();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			"key named token | %a | ie1 | {\"token\":\"%s\",\"edge\":\"dublin\"} | key 'token' is not read; name it 'auth_token'",
			"key named authToken | %a | ie1 | {\"authToken\":\"%s\",\"edge\":\"dublin\"} | key 'authToken' is not read; name it 'auth_token'",
			"key named AUTH_TOKEN | %a | ie1 | {\"AUTH_TOKEN\":\"%s\",\"edge\":\"dublin\"} | key 'AUTH_TOKEN' is not read; name it 'auth_token'",
			"surrounding whitespace | %a | ie1 | {\"auth_token\":\" %s\\n\",\"edge\":\"dublin\"} | 'auth_token' has surrounding whitespace",
			"token not 32 hex | %a | ie1 | {\"auth_token\":\"%s-XYZ\",\"edge\":\"dublin\"} | 'auth_token' is not 32 lower-case hex digits",
			"region folder not a region code | %a | ireland | {\"auth_token\":\"%s\"} | folder 'ireland' is not a Twilio region code",
			"unknown region | %a | zz9 | {\"auth_token\":\"%s\",\"edge\":\"dublin\"} | region 'zz9' is not one this version knows",
			"account folder not an Account SID | acct-%r | ie1 | {\"auth_token\":\"%s\",\"edge\":\"dublin\"} | is not an Account SID",
			"account folder in upper case | AC%R | ie1 | {\"auth_token\":\"%s\",\"edge\":\"dublin\"} | has upper-case letters",
			"missing edge for ie1 | %a | ie1 | {\"auth_token\":\"%s\"} | no 'edge' for region ie1",
			"unknown key | %a | us1 | {\"auth_token\":\"%s\",\"note\":\"from the console\"} | key 'note' is ignored",
			"API key without secret | %a | us1 | {\"api_key_sid\":\"SK%r%r%r%r\"} | 'api_key_sid' has no 'api_key_secret'",
			"empty token | %a | us1 | {\"auth_token\":\"\"} | 'auth_token' is empty" })
	void flagsAnEntryWrittenThroughTheVaultUi(String name, String account, String region, String data,
			String expected) {
		String token = TestSids.authToken();
		session.secrets().add(token);
		String random = TestSids.hex(8);
		String folder = account.replace("%a", TestSids.accountSid())
			.replace("%r", random)
			.replace("%R", TestSids.hex(32).toUpperCase());
		this.vault.writeRaw(folder + "/" + region, data.replace("%s", token).replace("%r", random));
		HttpResponse<String> response = inventory("?account=" + folder);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).doesNotContain(token);
		JsonNode entry = onlyEntry(response);
		assertThat(entry.path("path").asString()).isEqualTo("twilio/" + folder + "/" + region);
		assertThat(problems(entry)).anySatisfy(problem -> assertThat(problem).contains(expected));
	}

	@Test
	void aSeededEntryShowsItsMetadataAndNoProblemsAndAgesPastMaxAge() {
		String account = TestSids.accountSid();
		String token = TestSids.authToken();
		session.secrets().add(token);
		twilio.authToken(account, "ie1", token);
		HttpResponse<String> seeded = session.caller().send("PUT", "/admin/v1/credentials/" + account + "/ie1",
				"{\"auth_token\":\"" + token + "\"}", "Content-Type", "application/json", "X-Vault-Token",
				this.rootToken);
		assertThat(seeded.statusCode()).as(seeded.body()).isEqualTo(200);
		JsonNode entry = onlyEntry(inventory("?account=" + account + "&region=ie1"));
		assertThat(entry.path("version").asLong()).isEqualTo(1);
		assertThat(entry.path("source").asString()).isEqualTo("admin-api");
		assertThat(entry.path("seeded_by").asString()).isNotBlank().isNotEqualTo("unknown");
		assertThat(entry.path("verified_at").asString()).isNotEmpty();
		assertThat(entry.path("fingerprint").asString()).hasSize(12);
		assertThat(entry.path("created_time").asString()).isNotEmpty();
		assertThat(entry.path("age_days").asLong()).isZero();
		assertThat(problems(entry)).isEmpty();

		Duration ahead = Duration.between(this.clock.instant(), Instant.now()).plusDays(31).plusMinutes(1);
		this.clock.advance(ahead);
		try {
			JsonNode aged = onlyEntry(inventory("?account=" + account));
			assertThat(aged.path("age_days").asLong()).isEqualTo(31);
			assertThat(problems(aged)).singleElement()
				.satisfies(problem -> assertThat(problem).contains("last written 31 days ago"));
		}
		finally {
			this.clock.advance(ahead.negated());
		}
	}

	@Test
	void aDeletedLatestVersionIsReported() {
		String account = TestSids.accountSid();
		this.vault.writeRaw(account + "/us1", "{\"auth_token\":\"" + TestSids.authToken() + "\"}");
		HttpResponse<String> deleted = VaultServer.shared().http("DELETE", "twilio/data/" + account + "/us1", null);
		assertThat(deleted.statusCode()).isEqualTo(204);
		assertThat(problems(onlyEntry(inventory("?account=" + account))))
			.anySatisfy(problem -> assertThat(problem).contains("latest version (1) is deleted"));
	}

	@Test
	void theRegionFilterKeepsOnlyThatRegion() {
		String account = TestSids.accountSid();
		this.vault.writeRaw(account + "/us1", "{\"auth_token\":\"" + TestSids.authToken() + "\"}");
		this.vault.writeRaw(account + "/au1", "{\"auth_token\":\"" + TestSids.authToken() + "\",\"edge\":\"sydney\"}");
		JsonNode body = JSON.readTree(inventory("?account=" + account.toUpperCase().replace("AC", "AC")
				+ "&region=au1").body());
		assertThat(body.path("entries")).singleElement()
			.satisfies(entry -> assertThat(entry.path("region").asString()).isEqualTo("au1"));
	}

	@Test
	void theInventoryNeedsAVaultToken() {
		HttpResponse<String> response = session.caller().send("GET", "/admin/v1/credentials", null);
		assertProblem(response, 401, "vault-token-missing");
	}

	private HttpResponse<String> inventory(String query) {
		return session.caller().send("GET", "/admin/v1/credentials" + query, null, "X-Vault-Token", this.rootToken);
	}

	private static JsonNode onlyEntry(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode entries = JSON.readTree(response.body()).path("entries");
		assertThat(entries).as(response.body()).hasSize(1);
		return entries.get(0);
	}

	private static List<String> problems(JsonNode entry) {
		List<String> problems = new ArrayList<>();
		entry.path("problems").forEach(node -> problems.add(node.asString()));
		return problems;
	}


}
