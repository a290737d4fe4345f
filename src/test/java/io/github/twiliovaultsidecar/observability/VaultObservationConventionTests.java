package io.github.twiliovaultsidecar.observability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class VaultObservationConventionTests {

	@ParameterizedTest
	@CsvSource({ "/v1/twilio/data/AC0123456789abcdef0123456789abcdef/ie1, /v1/twilio/data/{path}",
			"/v1/twilio/metadata/AC0123456789abcdef0123456789abcdef/ie1, /v1/twilio/metadata/{path}",
			"/v1/secret/data/twilio/AC0123456789abcdef0123456789abcdef/au1, /v1/secret/data/{path}",
			"/v1/sys/health, /v1/sys/{path}", "/v1/auth/token/lookup-self, /v1/auth/{path}", "/other, none" })
	void reducesVaultPathsToABoundedTemplateWithoutAccountsOrRegions(String path, String template) {
		assertThat(VaultObservationConvention.template(path)).isEqualTo(template);
	}

}
