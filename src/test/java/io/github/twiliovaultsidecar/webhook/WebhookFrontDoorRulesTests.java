package io.github.twiliovaultsidecar.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.util.unit.DataSize;

import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The front door's pure rules: public URL, form decoding, header filtering, target URL, configuration. */
class WebhookFrontDoorRulesTests {

	private static final URI RECEIVED = URI.create("http://127.0.0.1:8080/webhooks/in/sms/inbound?a=%2B1&b=c");

	@Test
	void publicUrlUsesTheConfiguredBaseWithTheRawPathAndQuery() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(PublicUrl.FORWARDED_HOST, "evil.example");
		assertThat(PublicUrl.of(Optional.of("https://hooks.example.com/sidecar/"), true, headers, RECEIVED))
			.isEqualTo("https://hooks.example.com/sidecar/webhooks/in/sms/inbound?a=%2B1&b=c");
	}

	@Test
	void publicUrlIgnoresForwardedHeadersUnlessTrusted() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(PublicUrl.FORWARDED_PROTO, "https");
		headers.set(PublicUrl.FORWARDED_HOST, "hooks.example.com");
		assertThat(PublicUrl.of(Optional.empty(), false, headers, RECEIVED))
			.isEqualTo("http://127.0.0.1:8080/webhooks/in/sms/inbound?a=%2B1&b=c");
		assertThat(PublicUrl.of(Optional.empty(), true, headers, RECEIVED))
			.isEqualTo("https://hooks.example.com/webhooks/in/sms/inbound?a=%2B1&b=c");
	}

	@Test
	void publicUrlTakesTheFirstForwardedValue() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(PublicUrl.FORWARDED_PROTO, "https, http");
		headers.set(PublicUrl.FORWARDED_HOST, "hooks.example.com:8443, proxy.internal");
		assertThat(PublicUrl.of(Optional.empty(), true, headers, URI.create("http://127.0.0.1/webhooks/in/x")))
			.isEqualTo("https://hooks.example.com:8443/webhooks/in/x");
	}

	@Test
	void publicUrlRejectsTrustedForwardedHeadersThatAreNotASchemeAndHost() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(PublicUrl.FORWARDED_HOST, "hooks.example.com/evil?");
		assertThatThrownBy(() -> PublicUrl.of(Optional.empty(), true, headers, RECEIVED))
			.isInstanceOfSatisfying(WebhookException.class, ex -> assertThat(ex.status()).isEqualTo(400));
		HttpHeaders proto = new HttpHeaders();
		proto.set(PublicUrl.FORWARDED_PROTO, "gopher");
		proto.set(PublicUrl.FORWARDED_HOST, "hooks.example.com");
		assertThatThrownBy(() -> PublicUrl.of(Optional.empty(), true, proto, RECEIVED))
			.isInstanceOf(WebhookException.class);
	}

	@Test
	void formDecodingKeepsRepeatedNamesEmptyValuesAndUnicode() {
		byte[] body = "To=%2B18005551212&Media=a&Media=b&Empty=&Flag&Body=h%C3%A9llo+w%F0%9F%98%80&&"
			.getBytes(StandardCharsets.UTF_8);
		assertThat(FormEncoding.decode(body)).containsExactly(Map.entry("To", List.of("+18005551212")),
				Map.entry("Media", List.of("a", "b")), Map.entry("Empty", List.of("")), Map.entry("Flag", List.of("")),
				Map.entry("Body", List.of("héllo w\uD83D\uDE00")));
		assertThat(FormEncoding.decode(new byte[0])).isEmpty();
	}

	@Test
	void formDecodingRejectsABrokenEscape() {
		assertThatThrownBy(() -> FormEncoding.decode("a=%G1".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void requestHeadersLoseHopByHopHostAndLengthButKeepTheRest() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("Host", "hooks.example.com");
		headers.set("Content-Length", "12");
		headers.set("Connection", "keep-alive, X-Private-Hop");
		headers.set("X-Private-Hop", "1");
		headers.set("Keep-Alive", "timeout=5");
		headers.set("Transfer-Encoding", "chunked");
		headers.set("Proxy-Authorization", "Basic abc");
		headers.set("Upgrade", "h2c");
		headers.set("X-Twilio-Signature", "sig");
		headers.set("Content-Type", "application/x-www-form-urlencoded");
		headers.add("X-Multi", "1");
		headers.add("X-Multi", "2");
		HttpHeaders forwarded = HopByHopHeaders.forRequest(headers);
		assertThat(forwarded.headerNames()).containsExactlyInAnyOrder("X-Twilio-Signature", "Content-Type", "X-Multi");
		assertThat(forwarded.get("X-Multi")).containsExactly("1", "2");
		assertThat(headers.headerNames()).hasSize(11);
	}

	@Test
	void responseHeadersKeepContentLength() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("Content-Length", "5");
		headers.set("Transfer-Encoding", "chunked");
		headers.set("Content-Type", "text/xml");
		assertThat(HopByHopHeaders.forResponse(headers).headerNames()).containsExactlyInAnyOrder("Content-Length",
				"Content-Type");
	}

	@Test
	void targetIsTheAppUrlFollowedByTheRestOfThePathAndTheQuery() {
		WebhookProperties.Route route = route("sms", "http://127.0.0.1:3000/twilio/");
		assertThat(WebhookFrontDoor.target(route, RECEIVED))
			.isEqualTo(URI.create("http://127.0.0.1:3000/twilio/inbound?a=%2B1&b=c"));
		assertThat(WebhookFrontDoor.target(route("sms", "http://127.0.0.1:3000"),
				URI.create("http://h/webhooks/in/sms")))
			.isEqualTo(URI.create("http://127.0.0.1:3000"));
	}

	@Test
	void configurationDefaults() {
		WebhookProperties properties = new WebhookProperties(null, false, Duration.ofMinutes(15), DataSize.ofMegabytes(1),
				Duration.ofSeconds(10), null);
		assertThat(properties.publicBase()).isEmpty();
		assertThat(properties.routes()).isEmpty();
		assertThat(properties.maxBodySize().toBytes()).isEqualTo(1024 * 1024);
	}

	@Test
	void configurationErrorsNameThePropertyAndTheBadValue() {
		assertThatThrownBy(() -> properties(List.of(route("Bad Name", "http://127.0.0.1:1"))))
			.hasMessageContaining("sidecar.webhooks.routes[0].name")
			.hasMessageContaining("'Bad Name'");
		assertThatThrownBy(() -> properties(List.of(route("ok", "http://127.0.0.1:1"), route("ok", "http://h"))))
			.hasMessageContaining("sidecar.webhooks.routes[1].name 'ok' is used by another route");
		assertThatThrownBy(() -> properties(List.of(route("ok", "ftp://h/x"))))
			.hasMessageContaining("sidecar.webhooks.routes[0].app-url")
			.hasMessageContaining("'ftp://h/x'");
		assertThatThrownBy(() -> properties(
				List.of(new WebhookProperties.Route("ok", "http://h", "AC123", "ie1"))))
			.hasMessageContaining("sidecar.webhooks.routes[0].account")
			.hasMessageContaining("'AC123'");
		assertThatThrownBy(() -> properties(
				List.of(new WebhookProperties.Route("ok", "http://h", TestSids.accountSid(), "europe"))))
			.hasMessageContaining("sidecar.webhooks.routes[0].region")
			.hasMessageContaining("'europe'");
		assertThatThrownBy(() -> new WebhookProperties("hooks.example.com", false, Duration.ZERO,
				DataSize.ofMegabytes(1), Duration.ofSeconds(1), List.of()))
			.hasMessageContaining("sidecar.webhooks.public-base-url")
			.hasMessageContaining("'hooks.example.com'");
		assertThatThrownBy(() -> new WebhookProperties(null, false, Duration.ofMinutes(-1), DataSize.ofMegabytes(1),
				Duration.ofSeconds(1), List.of()))
			.hasMessageContaining("sidecar.webhooks.rotation-grace")
			.hasMessageContaining("PT-1M");
	}

	@Test
	void configurationErrorsNeverPrintAPasswordInAnAppUrl() {
		assertThatThrownBy(() -> properties(List.of(route("ok", "ftp://user:hunter2@h/x"))))
			.hasMessageContaining("sidecar.webhooks.routes[0].app-url")
			.satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("hunter2"));
		assertThat(route("ok", "http://user:hunter2@h/x").toString()).doesNotContain("hunter2");
	}

	private static WebhookProperties properties(List<WebhookProperties.Route> routes) {
		return new WebhookProperties(null, false, Duration.ofMinutes(15), DataSize.ofMegabytes(1),
				Duration.ofSeconds(10), routes);
	}

	private static WebhookProperties.Route route(String name, String appUrl) {
		return new WebhookProperties.Route(name, appUrl, TestSids.accountSid(), "ie1");
	}

}
