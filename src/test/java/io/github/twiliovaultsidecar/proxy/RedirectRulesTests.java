package io.github.twiliovaultsidecar.proxy;

import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class RedirectRulesTests {

	private static final Set<String> PRODUCTS = Set.of("api", "messaging");

	private static final String HOST = "api.dublin.ie1.twilio.com";

	@Test
	void aRedirectToATwilioHostStaysOnTheSidecar() {
		assertThat(HeaderRules.sidecarLocation("https://api.sydney.au1.twilio.com/2010-04-01/Accounts/AC1/Messages.json?Page=2",
				HOST, PRODUCTS))
			.isEqualTo("/api.sydney.au1.twilio.com/2010-04-01/Accounts/AC1/Messages.json?Page=2");
		assertThat(HeaderRules.sidecarLocation("HTTPS://MESSAGING.TWILIO.COM/v1/Services", HOST, PRODUCTS))
			.isEqualTo("/messaging.twilio.com/v1/Services");
	}

	@Test
	void aRedirectToAPathOfTheAnsweringHostStaysOnIt() {
		assertThat(HeaderRules.sidecarLocation("/2010-04-01/Accounts/AC1.json", HOST, PRODUCTS))
			.isEqualTo("/" + HOST + "/2010-04-01/Accounts/AC1.json");
	}

	@Test
	void aRedirectElsewhereIsLeftAsItIs() {
		for (String location : new String[] { "https://media.example-storage.test/recording.wav?sig=x",
				"http://api.twilio.com/2010-04-01", "https://api.twilio.com.evil.test/x", "//api.twilio.com/x",
				"https://api.twilio.com:8443/x", "https://video.twilio.com/v1/Rooms" }) {
			assertThat(HeaderRules.sidecarLocation(location, HOST, PRODUCTS)).as(location).isEqualTo(location);
		}
	}

	@Test
	void theCallerResponseCarriesTheRewrittenLocation() {
		HttpHeaders upstream = new HttpHeaders();
		upstream.set(HttpHeaders.LOCATION, "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1.json");
		HttpHeaders caller = new HttpHeaders();
		HeaderRules.callerResponse(upstream, false, 3, HOST, PRODUCTS, caller);
		assertThat(caller.getFirst(HttpHeaders.LOCATION))
			.isEqualTo("/api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1.json");
		assertThat(caller.getFirst(HeaderRules.CREDENTIAL_VERSION)).isEqualTo("3");
	}

}
