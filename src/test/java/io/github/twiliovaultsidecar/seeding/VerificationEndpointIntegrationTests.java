package io.github.twiliovaultsidecar.seeding;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.support.AdminSession;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static io.github.twiliovaultsidecar.seeding.AdminApiIntegrationTests.assertProblem;
import static io.github.twiliovaultsidecar.seeding.VerificationApi.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /admin/v1/credentials/{account}/{region}/verification} against a real Vault and the
 * Twilio stand-in, with background runs off so that every Twilio request and metadata change seen
 * here is the endpoint's. No response holds a token.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class VerificationEndpointIntegrationTests {

	static final String PREFIX = "reverify-" + TestSids.hex(8) + "/";

	static final String READER_POLICY = """
			path "twilio/metadata/*" { capabilities = ["read", "list"] }
			path "auth/token/lookup-self" { capabilities = ["read"] }
			""";

	/** May look itself up, nothing else: a token whose policy says nothing about the entry. */
	static final String NO_ENTRY_POLICY = """
			path "auth/token/lookup-self" { capabilities = ["read"] }
			""";

	@RegisterExtension
	static final AdminSession session = new AdminSession();

	static final TwilioStandIn twilio = session.twilio();

	VaultServer vault;

	VerificationApi api;

	String account;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.vault.prefix", () -> PREFIX);
		registry.add("sidecar.verification.interval", () -> "0");
	}

	@BeforeEach
	void setUp(VaultServer server) {
		this.vault = server;
		this.api = new VerificationApi(session.caller(), server, PREFIX);
		this.account = TestSids.accountSid();
	}

	@Test
	void checksOneEntryNowAndAnswersWithTheOutcome() {
		String good = token();
		twilio.authToken(this.account, "au1", good);
		this.api.writeRaw(this.account + "/au1", Map.of("auth_token", good));
		String reader = vaultToken("verification-reader", READER_POLICY);

		HttpResponse<String> response = this.api.reverify(this.account + "/au1", reader);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.path("path").asString()).isEqualTo(this.api.displayPath(this.account + "/au1"));
		assertThat(body.path("account").asString()).isEqualTo(this.account);
		assertThat(body.path("region").asString()).isEqualTo("au1");
		assertThat(body.path("verification").path("outcome").asString()).isEqualTo("verified");
		assertThat(body.path("verification").path("at").asString())
			.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
		assertThat(body.path("verification").path("version").asLong()).isEqualTo(1);
		assertThat(twilio.requests(r -> r.path().contains(this.account))).singleElement()
			.satisfies(request -> assertThat(request.host()).isEqualTo("api.sydney.au1.twilio.com"));
		assertThat(this.api.inventoryEntry(this.account).path("verification").path("outcome").asString())
			.isEqualTo("verified");

		twilio.revoke(this.account, "au1");
		JsonNode rejected = JSON.readTree(this.api.reverify(this.account + "/au1", reader).body());
		assertThat(rejected.path("verification").path("outcome").asString()).isEqualTo("rejected");
		assertThat(rejected.path("verification").path("detail").asString()).contains("401")
			.contains("api.sydney.au1.twilio.com");
		assertThat(this.api.inventoryEntry(this.account).path("verification").path("outcome").asString())
			.isEqualTo("rejected");
	}

	@Test
	void answers404ForAPathWithNothingStored() {
		HttpResponse<String> response = this.api.reverify(this.account + "/ie1",
				vaultToken("verification-reader", READER_POLICY));
		assertProblem(response, 404, "credential-not-found");
		assertThat(twilio.requests(r -> r.path().contains(this.account))).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "malformed account SID | AC123 | ie1 | reader | 400 | invalid-account-sid",
			"malformed region | %a | eu-west-1 | reader | 400 | invalid-region",
			"no Vault token | %a | ie1 | none | 401 | vault-token-missing",
			"token without a policy on the entry | %a | ie1 | no-entry | 403 | vault-permission-denied" })
	void badInputIsAProblemAndNothingReachesTwilioOrChangesVault(String name, String account, String region,
			String who, int status, String problem) {
		String token = token();
		twilio.authToken(this.account, "ie1", token);
		this.api.writeRaw(this.account + "/ie1", Map.of("auth_token", token, "edge", "dublin"));
		String vaultToken = switch (who) {
			case "reader" -> vaultToken("verification-reader", READER_POLICY);
			case "no-entry" -> vaultToken("verification-no-entry", NO_ENTRY_POLICY);
			default -> null;
		};
		HttpResponse<String> response = this.api
			.reverify(account.replace("%a", this.account) + "/" + region, vaultToken);
		assertProblem(response, status, problem);
		assertThat(response.body()).doesNotContain(token);
		assertThat(twilio.requests(r -> r.path().contains(this.account) || r.path().contains("AC123"))).isEmpty();
		JsonNode meta = this.api.metadata(this.account + "/ie1");
		assertThat(meta.path("current_version").asLong()).isEqualTo(1);
		assertThat(meta.path("custom_metadata").isNull() || meta.path("custom_metadata").isEmpty())
			.as(meta.toString()).isTrue();
		assertThat(this.api.inventoryEntry(this.account).has("verification")).isFalse();
	}

	private String vaultToken(String policyName, String policy) {
		String token = new SeedingVault(this.vault).token(policyName, policy, policyName);
		session.secrets().add(token);
		return token;
	}

	private static String token() {
		return session.token();
	}

}
