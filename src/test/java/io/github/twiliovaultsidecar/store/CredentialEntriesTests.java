package io.github.twiliovaultsidecar.store;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.twilio.Edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialEntriesTests {

	private final CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");

	@Test
	void readsAuthTokenTrimmedWithEdge() {
		String token = TestSids.authToken();
		RegionalCredential credential = CredentialEntries.parse(this.key, "twilio/x",
				Map.of("auth_token", "  " + token + "\n", "edge", " Dublin "), 3);
		assertThat(credential.kind()).isEqualTo(CredentialKind.AUTH_TOKEN);
		assertThat(credential.username()).isEqualTo(this.key.account().value());
		assertThat(credential.secret().reveal()).isEqualTo(token);
		assertThat(credential.edge()).hasValueSatisfying(edge -> assertThat(edge.name()).isEqualTo("dublin"));
		assertThat(credential.version()).isEqualTo(3);
	}

	@Test
	void readsApiKey() {
		String sid = TestSids.apiKeySid();
		RegionalCredential credential = CredentialEntries.parse(this.key, "twilio/x",
				Map.of("api_key_sid", sid, "api_key_secret", "s3cr3t-value"), 1);
		assertThat(credential.kind()).isEqualTo(CredentialKind.API_KEY);
		assertThat(credential.username()).isEqualTo(sid);
		assertThat(credential.basicAuthorization()).startsWith("Basic ");
	}

	@Test
	void shapeNamesKindAndEdgeOfAUsableEntryOnly() {
		assertThat(CredentialEntries.shape(Map.of("auth_token", TestSids.authToken(), "edge", " Dublin ")))
			.hasValue(new CredentialEntries.Shape(CredentialKind.AUTH_TOKEN, java.util.Optional.of(Edge.parse("dublin"))));
		assertThat(CredentialEntries.shape(Map.of("api_key_sid", TestSids.apiKeySid(), "api_key_secret", "s3cret")))
			.hasValue(new CredentialEntries.Shape(CredentialKind.API_KEY, java.util.Optional.empty()));
		assertThat(CredentialEntries.shape(Map.of("Auth_Token", TestSids.authToken(), "edge", "dublin"))).isEmpty();
		assertThat(CredentialEntries.shape(Map.of("api_key_sid", "SK123", "api_key_secret", "s3cret"))).isEmpty();
	}

	@Test
	void ignoresUnrelatedKeys() {
		assertThat(CredentialEntries.problems(Map.of("auth_token", TestSids.authToken(), "owner", "team-a"))).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "token", "authToken", "AUTH_TOKEN", "auth-token", "Auth Token", "TWILIO_AUTH_TOKEN" })
	void namesMisspelledTokenKey(String key) {
		assertThat(CredentialEntries.problems(Map.of(key, TestSids.authToken())))
			.anySatisfy(problem -> assertThat(problem).contains("'" + key + "'").contains("'auth_token'"));
	}

	@Test
	void rejectsEmptyValue() {
		assertThat(CredentialEntries.problems(Map.of("auth_token", "   "))).containsExactly("'auth_token' is empty");
	}

	@Test
	void rejectsBadApiKeySid() {
		assertThat(CredentialEntries.problems(Map.of("api_key_sid", "SKnothex", "api_key_secret", "x")))
			.anySatisfy(problem -> assertThat(problem).contains("api_key_sid"));
	}

	@Test
	void rejectsHalfAnApiKeyAndBothKinds() {
		assertThat(CredentialEntries.problems(Map.of("api_key_sid", TestSids.apiKeySid()))).hasSize(1);
		assertThat(CredentialEntries.problems(
				Map.of("auth_token", TestSids.authToken(), "api_key_sid", TestSids.apiKeySid(), "api_key_secret", "x")))
			.anySatisfy(problem -> assertThat(problem).contains("both"));
	}

	@Test
	void rejectsUnknownEdgeAndNonStringValues() {
		assertThat(CredentialEntries.problems(Map.of("auth_token", TestSids.authToken(), "edge", "atlantis")))
			.anySatisfy(problem -> assertThat(problem).contains("edge"));
		assertThat(CredentialEntries.problems(Map.of("auth_token", 12345))).containsExactly("'auth_token' must be a string");
	}

	@Test
	void malformedErrorNamesKeysButNeverValues() {
		String token = TestSids.authToken();
		assertThatThrownBy(() -> CredentialEntries.parse(this.key, "twilio/p", Map.of("Token", token), 1))
			.isInstanceOf(CredentialStoreException.Malformed.class)
			.hasMessageContaining("'Token'")
			.satisfies(ex -> assertThat(ex.toString()).doesNotContain(token));
	}

	@Test
	void credentialToStringHasNoSecret() {
		String token = TestSids.authToken();
		RegionalCredential credential = CredentialEntries.parse(this.key, "twilio/x", Map.of("auth_token", token), 2);
		assertThat(credential.toString()).doesNotContain(token)
			.doesNotContain(token.substring(0, 16))
			.doesNotContain(credential.basicAuthorization().substring(6))
			.contains(credential.fingerprint());
	}

}
