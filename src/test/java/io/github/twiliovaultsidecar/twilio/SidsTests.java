package io.github.twiliovaultsidecar.twilio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SidsTests {

	@Test
	void acceptsUpperCaseHexAndStoresLowerCase() {
		assertThat(AccountSid.parse("AC0123456789ABCDEF0123456789ABCDEF").value())
			.isEqualTo("AC0123456789abcdef0123456789abcdef");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "AC", "ac0123456789abcdef0123456789abcdef", "AC0123456789abcdef0123456789abcde",
			"AC0123456789abcdef0123456789abcdef0", "AC0123456789abcdef0123456789abcdeg",
			"SK0123456789abcdef0123456789abcdef", "AC0123456789abcdef0123456789abcde\n", " AC0123456789abcdef0123456789abcdef",
			// digits and letters that are hex only outside ASCII: fullwidth A and Arabic-Indic 3
			"AC0123456789abcdef0123456789abcde\uFF21", "AC0123456789abcdef0123456789abcde\u0663",
			"AC0123456789abcdef0123456789abcde/", "AC0123456789abcdef0123456789abcde:", "AC0123456789abcdef0123456789abcde@",
			"AC0123456789abcdef0123456789abcde`", "AC0123456789abcdef0123456789abcdeG" })
	void rejectsMalformedAccountSids(String sid) {
		assertThatThrownBy(() -> AccountSid.parse(sid)).isInstanceOfSatisfying(InvalidTwilioInputException.class,
				ex -> assertThat(ex.status()).isEqualTo(400));
	}

	@Test
	void aLowerCaseSidIsKeptAsGiven() {
		String sid = "AC0123456789abcdef0123456789abcdef";
		assertThat(AccountSid.parse(sid).value()).isSameAs(sid);
		assertThat(AccountSid.isValid(sid)).isTrue();
		assertThat(AccountSid.isValid(null)).isFalse();
	}

	@Test
	void parsesApiKeySids() {
		assertThat(ApiKeySid.parse("SK0123456789abcdef0123456789abcdef").value()).startsWith("SK");
		assertThatThrownBy(() -> ApiKeySid.parse("AC0123456789abcdef0123456789abcdef"))
			.isInstanceOf(InvalidTwilioInputException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "us1", "ie1", "au1", "jp1", "br1" })
	void acceptsRegionCodes(String code) {
		assertThat(Region.parse(code).code()).isEqualTo(code);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "us", "usa", "US1", "u1", "us12", "europe", "1us", "ie\u0661", "\u0131e1", "i\u00e91", "i1e", "ie-" })
	void rejectsMalformedRegions(String code) {
		assertThatThrownBy(() -> Region.parse(code)).isInstanceOf(InvalidTwilioInputException.class);
	}

	@Test
	void knowsDefaultEdges() {
		assertThat(Region.IE1.defaultEdge()).contains(Edge.parse("dublin"));
		assertThat(Region.AU1.defaultEdge()).contains(Edge.parse("sydney"));
		assertThat(Region.US1.defaultEdge()).contains(Edge.parse("ashburn"));
		assertThat(Region.parse("br1").defaultEdge()).isEmpty();
		assertThat(Region.parse("br1").isKnown()).isFalse();
	}

	@Test
	void acceptsPrivateInterconnectEdges() {
		assertThat(Edge.isValid("equinix-ix")).isTrue();
		assertThat(Edge.isValid("ix")).isFalse();
		assertThat(Edge.isValid("atlantis")).isFalse();
	}

	@Test
	void secretPrintsNoPartOfItself() {
		Secret secret = Secret.of("0123456789abcdef0123456789abcdef");
		assertThat(secret.toString()).doesNotContain("0123").isEqualTo("Secret[redacted]");
		assertThat(secret.fingerprint()).hasSize(12).matches("[0-9a-f]{12}");
		assertThat(secret).isEqualTo(Secret.of("0123456789abcdef0123456789abcdef"));
		assertThat(secret).isNotEqualTo(Secret.of("0123456789abcdef0123456789abcdee"));
	}

}
