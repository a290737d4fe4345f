package io.github.twiliovaultsidecar.proxy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialResourcesTests {

	private static final String ACCOUNT = TestSids.accountSid();

	private final CredentialResources table = CredentialResources.shipped();

	@Test
	void theShippedTableHoldsTheResourcesThatCarryACredential() {
		List<String> rows = this.table.resources().stream().map(Object::toString).toList();
		assertThat(rows).contains("api /2010-04-01/Accounts.json", "api /2010-04-01/Accounts/{sid}.json",
				"api /2010-04-01/Accounts/{account_sid}/Keys.json",
				"api /2010-04-01/Accounts/{account_sid}/SigningKeys.json", "accounts /v1/AuthTokens/Promote",
				"accounts /v1/AuthTokens/Secondary", "conversations /v1/Credentials/{sid}", "notify /v1/Credentials",
				"chat /v2/Credentials/{sid}");
		assertThat(this.table.match("api", "/2010-04-01/Accounts/" + ACCOUNT + ".json").orElseThrow().fields().names())
			.contains("auth_token", "secondary_auth_token", "secret");
		assertThat(this.table.match("conversations", "/v1/Credentials/CRabc").orElseThrow().fields().names())
			.contains("secret", "private_key", "api_key");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/2010-04-01/Accounts", "/2010-04-01/Accounts.xml", "/2010-04-01/Accounts.csv",
			"/2010-04-01/Accounts.html", "/2010-04-01/Accounts/", "/2010-04-01/ACCOUNTS.xml",
			"/2010-04-01/Accounts.json.xml", "/2010-04-01/Accounts/%s", "/2010-04-01/Accounts/%s.xml",
			"/2010-04-01/Accounts/%s.csv", "/2010-04-01/Accounts/%s/Keys", "/2010-04-01/Accounts/%s/Keys.xml",
			"/2010-04-01/Accounts/%s/SigningKeys.csv" })
	void refusesEveryOtherRepresentationOfA2010CredentialResourceNamingTheJsonForm(String template) {
		String path = template.formatted(ACCOUNT);
		assertThatThrownBy(() -> this.table.checkRepresentation("api", path, "PageSize=5"))
			.isInstanceOfSatisfying(ProxyException.class, problem -> {
				assertThat(problem.status()).isEqualTo(400);
				assertThat(problem.type()).isEqualTo(SidecarException.TYPE_PREFIX + "representation-not-forwarded");
				assertThat((String) problem.context().get("use")).endsWith(".json?PageSize=5");
				assertThat(problem.getMessage()).contains("only as JSON").contains((String) problem.context().get("use"));
			});
	}

	@Test
	void aProductApiResourceIsForwardedWithoutAnExtensionOnly() {
		assertThat(this.table.checkRepresentation("accounts", "/v1/AuthTokens/Promote", null)).isPresent();
		assertThatThrownBy(() -> this.table.checkRepresentation("accounts", "/v1/AuthTokens/Promote.xml", null))
			.isInstanceOfSatisfying(ProxyException.class,
					problem -> assertThat(problem.context().get("use")).isEqualTo("/v1/AuthTokens/Promote"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/2010-04-01/Accounts.json", "/2010-04-01/Accounts/%s.json",
			"/2010-04-01/Accounts/%s/Keys.json" })
	void theJsonFormIsForwarded(String template) {
		assertThat(this.table.checkRepresentation("api", template.formatted(ACCOUNT), null)).isPresent();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/2010-04-01/Accounts/%s/Messages.xml", "/2010-04-01/Accounts/%s/Calls.csv",
			"/2010-04-01/Accounts/%s/Keys/SKabc.xml", "/2010-04-01/Accounts/%s/Messages.json" })
	void otherResourcesKeepTheirRepresentation(String template) {
		assertThat(this.table.checkRepresentation("api", template.formatted(ACCOUNT), null)).isEmpty();
	}

	@Test
	void aResourceOfAnotherProductIsNotMatched() {
		assertThat(this.table.match("messaging", "/2010-04-01/Accounts.xml")).isEqualTo(Optional.empty());
	}

	@Test
	void rejectsARowThatIsNotProductPathFieldsModule() {
		assertThatThrownBy(() -> CredentialResources.parse(List.of("# comment", "api\t/x\t\tmodule.py")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("api\t/x");
	}

}
