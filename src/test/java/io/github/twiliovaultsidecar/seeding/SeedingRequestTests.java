package io.github.twiliovaultsidecar.seeding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.twiliovaultsidecar.store.CredentialKind;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.InvalidTwilioInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Request validation of the admin API and CLI: body parsing, credential shape, query parameters. */
class SeedingRequestTests {

	private static final AccountSid ACCOUNT = AccountSid.parse("AC0123456789abcdef0123456789abcdef");

	private static final String TOKEN = "fedcba9876543210fedcba9876543210";

	@Test
	void anAuthTokenBodyParsesTrimsAndKeepsTheEdge() {
		CredentialInput input = SeedBody.parse("{\"auth_token\":\" " + TOKEN + " \",\"edge\":\"Dublin\"}").toInput(ACCOUNT);
		assertThat(input.kind()).isEqualTo(CredentialKind.AUTH_TOKEN);
		assertThat(input.username()).isEqualTo(ACCOUNT.value());
		assertThat(input.secret().reveal()).isEqualTo(TOKEN);
		assertThat(input.edge()).hasValueSatisfying(edge -> assertThat(edge.name()).isEqualTo("dublin"));
		assertThat(input.vaultData()).containsEntry("auth_token", TOKEN).containsEntry("edge", "dublin");
	}

	@Test
	void anApiKeyBodyUsesTheKeySidAsUserName() {
		String sid = "SK0123456789abcdef0123456789abcdef";
		CredentialInput input = SeedBody.parse("{\"api_key_sid\":\"" + sid + "\",\"api_key_secret\":\"k3y\"}")
			.toInput(ACCOUNT);
		assertThat(input.kind()).isEqualTo(CredentialKind.API_KEY);
		assertThat(input.username()).isEqualTo(sid);
		assertThat(input.vaultData()).containsOnlyKeys("api_key_sid", "api_key_secret");
	}

	@Test
	void anUnknownFieldIsRefusedNamingTheFieldNotTheValues() {
		assertThatThrownBy(() -> SeedBody.parse("{\"auth_token\":\"" + TOKEN + "\",\"authToken\":\"" + TOKEN + "\"}"))
			.isInstanceOfSatisfying(SeedingException.class, ex -> {
				assertThat(ex.status()).isEqualTo(400);
				assertThat(ex.getMessage()).contains("'authToken'").doesNotContain(TOKEN);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "auth_token=fedcba98", "[1,2]", "{\"auth_token\":", "null", "{\"auth_token\":{\"a\":1}}",
			"{\"auth_token\":\"a\",\"auth_token\":\"b\"}", "   ", "{\"auth_token\":12345678901234567890}",
			"{\"auth_token\":1.5e300}", "{\"auth_token\":true}", "{\"api_key_sid\":\"SK00000000000000000000000000000000\",\"api_key_secret\":42}" })
	void aBodyThatIsNotTheDocumentedObjectIs400WithoutEchoingIt(String body) {
		assertThatThrownBy(() -> SeedBody.parse(body)).isInstanceOfSatisfying(SeedingException.class, ex -> {
			assertThat(ex.status()).isEqualTo(400);
			assertThat(ex.getMessage()).doesNotContain("fedcba98");
		});
	}

	@Test
	void anOversizedBodyIs400() {
		assertThatThrownBy(() -> SeedBody.parse("{\"auth_token\":\"" + "a".repeat(5000) + "\"}"))
			.isInstanceOfSatisfying(SeedingException.class, ex -> assertThat(ex.status()).isEqualTo(400));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "has space inside", "tab\tinside" })
	void anEmptyOrOddTokenIs422(String token) {
		assertThatThrownBy(() -> CredentialInput.of(ACCOUNT, token, null, null, null))
			.isInstanceOfSatisfying(SeedingException.class, ex -> assertThat(ex.status()).isEqualTo(422));
	}

	@Test
	void aTokenLongerThan256Is422AndAToken256LongIsAccepted() {
		assertThatThrownBy(() -> CredentialInput.of(ACCOUNT, "a".repeat(257), null, null, null))
			.isInstanceOfSatisfying(SeedingException.class, ex -> assertThat(ex.getMessage()).contains("256"));
		assertThat(CredentialInput.of(ACCOUNT, "a".repeat(256), null, null, null).secret().length()).isEqualTo(256);
	}

	@Test
	void neitherOrBothKindsAre400() {
		assertThatThrownBy(() -> CredentialInput.of(ACCOUNT, null, null, null, null))
			.isInstanceOfSatisfying(SeedingException.class, ex -> assertThat(ex.status()).isEqualTo(400));
		assertThatThrownBy(() -> CredentialInput.of(ACCOUNT, TOKEN, "SK0123456789abcdef0123456789abcdef", "x", null))
			.isInstanceOfSatisfying(SeedingException.class, ex -> assertThat(ex.status()).isEqualTo(400));
		assertThatThrownBy(() -> CredentialInput.of(ACCOUNT, null, "SK0123456789abcdef0123456789abcdef", null, null))
			.isInstanceOfSatisfying(SeedingException.class, ex -> assertThat(ex.status()).isEqualTo(400));
	}

	@Test
	void aBadApiKeySidOrEdgeIsAnInvalidTwilioInput() {
		assertThatThrownBy(() -> CredentialInput.of(ACCOUNT, null, "SK1", "x", null))
			.isInstanceOf(InvalidTwilioInputException.class);
		assertThatThrownBy(() -> CredentialInput.of(ACCOUNT, TOKEN, null, null, "atlantis"))
			.isInstanceOf(InvalidTwilioInputException.class);
	}

	@Test
	void toStringOfRequestObjectsPrintsNoSecret() {
		SeedBody body = SeedBody.parse("{\"auth_token\":\"" + TOKEN + "\"}");
		assertThat(body.toString()).doesNotContain(TOKEN).contains("[redacted]");
		CredentialInput input = body.toInput(ACCOUNT);
		assertThat(input.toString()).doesNotContain(TOKEN).contains(input.fingerprint());
		assertThat(input.basicAuthorization()).startsWith("Basic ");
	}

	@Test
	void casAndVerifyQueryParametersAreChecked() {
		assertThat(AdminController.parseCas(null)).isEmpty();
		assertThat(AdminController.parseCas("0")).hasValue(0);
		assertThat(AdminController.parseCas("12")).hasValue(12);
		for (String bad : new String[] { "-1", "x", "1.5", "" }) {
			assertThatThrownBy(() -> AdminController.parseCas(bad)).isInstanceOf(SeedingException.class);
		}
		assertThat(AdminController.parseVerify(null)).isTrue();
		assertThat(AdminController.parseVerify("false")).isFalse();
		assertThatThrownBy(() -> AdminController.parseVerify("no")).isInstanceOf(SeedingException.class);
	}

	@Test
	void exitCodesDistinguishTheFailureKinds() {
		assertThat(SeedingException.exitCode(SeedingException.invalidRequest("x"))).isEqualTo(2);
		assertThat(SeedingException.exitCode(SeedingException.invalidCredential("x"))).isEqualTo(2);
		assertThat(SeedingException.exitCode(SeedingException.rejectedByTwilio("AC", "ie1", "h", 401))).isEqualTo(3);
		assertThat(SeedingException.exitCode(SeedingException.vaultDenied("p", "write"))).isEqualTo(4);
		assertThat(SeedingException.exitCode(SeedingException.missingVaultToken())).isEqualTo(4);
		assertThat(SeedingException.exitCode(new IllegalStateException())).isEqualTo(1);
		assertThatThrownBy(() -> AccountSid.parse("AC1"))
			.satisfies(ex -> assertThat(SeedingException.exitCode(ex)).isEqualTo(2));
	}

}
