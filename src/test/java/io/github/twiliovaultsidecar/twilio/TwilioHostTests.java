package io.github.twiliovaultsidecar.twilio;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwilioHostTests {

	private static final Set<String> API = TwilioHost.DEFAULT_PRODUCTS;

	@ParameterizedTest
	@CsvSource({ "api.ashburn.us1.twilio.com, ashburn, us1", "api.dublin.ie1.twilio.com, dublin, ie1",
			"api.sydney.au1.twilio.com, sydney, au1", "api.frankfurt.ie1.twilio.com, frankfurt, ie1",
			"api.sao-paulo.us1.twilio.com, sao-paulo, us1", "api.singapore.au1.twilio.com, singapore, au1",
			"api.tokyo.jp1.twilio.com, tokyo, jp1", "api.umatilla.us1.twilio.com, umatilla, us1",
			"api.roaming.ie1.twilio.com, roaming, ie1", "api.equinix-ix.ie1.twilio.com, equinix-ix, ie1" })
	void acceptsEdgeFormForEveryEdgeAndRegion(String host, String edge, String region) {
		TwilioHost parsed = TwilioHost.parse(host, API);
		assertThat(parsed.product()).isEqualTo("api");
		assertThat(parsed.edge()).contains(Edge.parse(edge));
		assertThat(parsed.region()).isEqualTo(Region.parse(region));
		assertThat(parsed.hostName()).isEqualTo(host);
	}

	@Test
	void readsHostWithoutEdgeOrRegionAsUs1() {
		TwilioHost parsed = TwilioHost.parse("api.twilio.com", API);
		assertThat(parsed.region()).isEqualTo(Region.US1);
		assertThat(parsed.edge()).isEmpty();
		assertThat(parsed.hostName()).isEqualTo("api.twilio.com");
	}

	@Test
	void acceptsShortUs1Host() {
		TwilioHost parsed = TwilioHost.parse("api.us1.twilio.com", API);
		assertThat(parsed.region()).isEqualTo(Region.US1);
		assertThat(parsed.edge()).isEmpty();
	}

	@Test
	void normalizesUpperCaseToLowerCase() {
		TwilioHost parsed = TwilioHost.parse("API.Dublin.IE1.Twilio.COM", API);
		assertThat(parsed.hostName()).isEqualTo("api.dublin.ie1.twilio.com");
	}

	@Test
	void rejectsShortRegionalHostWithEdgeHint() {
		assertThatThrownBy(() -> TwilioHost.parse("api.ie1.twilio.com", API))
			.isInstanceOfSatisfying(InvalidTwilioInputException.class,
					ex -> assertThat(ex.problem()).isEqualTo("short-regional-host"))
			.hasMessageContaining("api.dublin.ie1.twilio.com");
		assertThatThrownBy(() -> TwilioHost.parse("api.au1.twilio.com", API))
			.hasMessageContaining("api.sydney.au1.twilio.com");
	}

	@ParameterizedTest
	@ValueSource(strings = { "api.example.com", "twilio.com", "api.twilio.com.example.net",
			"api.dublin.ie1.twilio.com.example.net", "api.dublin.ie1.twilio.co", "apitwilio.com", "api.nottwilio.com",
			"evil-twilio.com", "user@api.twilio.com", "user:pass@api.twilio.com", "api.twilio.com:443",
			"api.dublin.ie1.twilio.com:8443", "127.0.0.1", "[::1]", "10.0.0.1", "api.twilio.com.",
			"api.dublin.ie1.twilio.com.", "api..twilio.com", ".api.twilio.com", "api.dublin.ie1.extra.twilio.com",
			"api.atlantis.ie1.twilio.com", "api.dublin.ireland.twilio.com", "api.dublin.twilio.com",
			"api.dub lin.ie1.twilio.com", "api.dublin.ie1.twilio.com/x", "api.dublin.ie1.twilio.com\r\nx: y",
			"api.dublin.ie1.twılio.com", "", "a.twilio.com", "-api.twilio.com", "api.dublin-.ie1.twilio.com",
			"api.-dublin.ie1.twilio.com", "api.dublin.i\u04351.twilio.com", "api.dublin.ie\u0661.twilio.com",
			"\uFF41pi.twilio.com", "api.dublin.ie1.twilio.com\u0000", "api.dublin_.ie1.twilio.com" })
	void rejectsHostsOutsideTheGrammar(String host) {
		assertThatThrownBy(() -> TwilioHost.parse(host, API)).isInstanceOf(InvalidTwilioInputException.class);
	}

	@Test
	void rejectsNull() {
		assertThatThrownBy(() -> TwilioHost.parse(null, API)).isInstanceOf(InvalidTwilioInputException.class);
	}

	@Test
	void rejectsProductsThatAreNotEnabled() {
		assertThatThrownBy(() -> TwilioHost.parse("messaging.dublin.ie1.twilio.com", API))
			.hasMessageContaining("not enabled");
		assertThat(TwilioHost.parse("messaging.dublin.ie1.twilio.com", Set.of("api", "messaging")).product())
			.isEqualTo("messaging");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "api.dub_lin.ie1.twilio.com | only letters, digits, dots and hyphens",
			"api.dublin.i\u04351.twilio.com | only letters, digits, dots and hyphens",
			"api.dublin.ie\u0661.twilio.com | only letters, digits, dots and hyphens",
			"\uFF41pi.twilio.com | only letters, digits, dots and hyphens", "10.0.0.1 | IP literals",
			"1.2.3.4.5 | IP literals", "api..twilio.com | empty or malformed label",
			"-api.twilio.com | empty or malformed label", "api.dublin-.ie1.twilio.com | empty or malformed label",
			"api.-dublin.ie1.twilio.com | empty or malformed label" })
	void eachCharacterAndLabelRuleGivesItsOwnReason(String host, String reason) {
		assertThatThrownBy(() -> TwilioHost.parse(host, API)).isInstanceOf(InvalidTwilioInputException.class)
			.hasMessageContaining(reason);
	}

	@Test
	void errorEchoesHostilePartsEscapedAndBounded() {
		String hostile = "x".repeat(300) + "\r\n";
		assertThatThrownBy(() -> TwilioHost.parse(hostile, API))
			.satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("\r").doesNotContain("\n").hasSizeLessThan(300));
	}

	@Test
	void buildsDefaultEdgeHostForARegion() {
		assertThat(TwilioHost.of("api", Region.IE1, Optional.empty()).hostName()).isEqualTo("api.dublin.ie1.twilio.com");
		assertThat(TwilioHost.of("api", Region.US1, Optional.empty()).hostName()).isEqualTo("api.twilio.com");
		assertThat(TwilioHost.of("api", Region.AU1, Optional.of(Edge.parse("singapore"))).hostName())
			.isEqualTo("api.singapore.au1.twilio.com");
	}

}
