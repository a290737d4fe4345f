package io.github.twiliovaultsidecar.webhook;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.twiliovaultsidecar.twilio.Secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The signature algorithm, on Twilio's published example and its quirks. No servers. */
class WebhookSignatureTests {

	/** Twilio's security docs: the example request. */
	private static final String DOCS_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";

	private static final String DOCS_TOKEN = "12345";

	private static final String DOCS_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

	private static final Map<String, String> DOCS_PARAMS = docsParams();

	@Test
	void twilioSdkAgreesWithTheDocsExample() {
		assertThat(TwilioSdk.sign(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS)).isEqualTo(DOCS_SIGNATURE);
		assertThat(TwilioSdk.validate(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE)).isTrue();
	}

	@Test
	void signsTheDocsExampleAsTwilioDoes() {
		assertThat(WebhookSignature.sign(Secret.of(DOCS_TOKEN), DOCS_URL, multi(DOCS_PARAMS))).isEqualTo(DOCS_SIGNATURE);
		assertThat(WebhookSignature.dataToSign(DOCS_URL, multi(DOCS_PARAMS))).isEqualTo(DOCS_URL
				+ "CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212");
	}

	@Test
	void acceptsTheDocsExample() {
		assertThat(verify(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE)).isTrue();
	}

	@Test
	void rejectsTheDocsExampleWithAnotherToken() {
		assertThat(verify("12346", DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE)).isFalse();
	}

	@Test
	void rejectsTheDocsExampleWithAChangedParameter() {
		Map<String, String> changed = new LinkedHashMap<>(DOCS_PARAMS);
		changed.put("Digits", "1235");
		assertThat(verify(DOCS_TOKEN, DOCS_URL, changed, DOCS_SIGNATURE)).isFalse();
		changed = new LinkedHashMap<>(DOCS_PARAMS);
		changed.put("Extra", "");
		assertThat(verify(DOCS_TOKEN, DOCS_URL, changed, DOCS_SIGNATURE)).isFalse();
	}

	@Test
	void rejectsTheDocsExampleWithAChangedQueryString() {
		assertThat(verify(DOCS_TOKEN, "https://mycompany.com/myapp.php?foo=1&bar=3", DOCS_PARAMS, DOCS_SIGNATURE))
			.isFalse();
		assertThat(verify(DOCS_TOKEN, "https://mycompany.com/myapp.php?bar=2&foo=1", DOCS_PARAMS, DOCS_SIGNATURE))
			.isFalse();
	}

	@Test
	void parameterOrderDoesNotMatter() {
		Map<String, String> reversed = new LinkedHashMap<>();
		List.of("To", "From", "Digits", "Caller", "CallSid").forEach(name -> reversed.put(name, DOCS_PARAMS.get(name)));
		assertThat(verify(DOCS_TOKEN, DOCS_URL, reversed, DOCS_SIGNATURE)).isTrue();
	}

	@Test
	void acceptsASignatureMadeOverTheUrlWithTheDefaultPortWhenTheUrlHasNone() {
		String signature = TwilioSdk.sign(DOCS_TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", DOCS_PARAMS);
		assertThat(verify(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, signature)).isTrue();
		String http = TwilioSdk.sign(DOCS_TOKEN, "http://mycompany.com:80/myapp.php", DOCS_PARAMS);
		assertThat(verify(DOCS_TOKEN, "http://mycompany.com/myapp.php", DOCS_PARAMS, http)).isTrue();
	}

	@Test
	void acceptsASignatureMadeOverTheUrlWithoutItsPort() {
		String signature = TwilioSdk.sign(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS);
		assertThat(verify(DOCS_TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", DOCS_PARAMS, signature))
			.isTrue();
		String other = TwilioSdk.sign(DOCS_TOKEN, "https://mycompany.com/hook", DOCS_PARAMS);
		assertThat(verify(DOCS_TOKEN, "https://mycompany.com:8443/hook", DOCS_PARAMS, other)).isTrue();
	}

	@Test
	void aDifferentPortIsNotTheSameUrl() {
		String signature = TwilioSdk.sign(DOCS_TOKEN, "https://mycompany.com:8443/hook", DOCS_PARAMS);
		assertThat(verify(DOCS_TOKEN, "https://mycompany.com:9443/hook", DOCS_PARAMS, signature)).isFalse();
		String http = TwilioSdk.sign(DOCS_TOKEN, "http://mycompany.com:443/hook", DOCS_PARAMS);
		assertThat(verify(DOCS_TOKEN, "http://mycompany.com/hook", DOCS_PARAMS, http)).isFalse();
	}

	@Test
	void urlVariantsKeepUserInfoPathQueryAndFragment() {
		assertThat(WebhookSignature.urlVariants("https://user:pw@example.com/a/b?x=1#f")).containsExactly(
				"https://user:pw@example.com/a/b?x=1#f", "https://user:pw@example.com:443/a/b?x=1#f");
		assertThat(WebhookSignature.urlVariants("http://[::1]:8080/hook")).containsExactly("http://[::1]:8080/hook",
				"http://[::1]/hook");
		assertThat(WebhookSignature.urlVariants("https://example.com")).containsExactly("https://example.com",
				"https://example.com:443");
	}

	@Test
	void acceptsAJsonWebhookWhoseBodyMatchesBodySha256() {
		String body = "{\"property\": \"value\", \"boolean\": true}";
		String url = "https://mycompany.com/myapp.php?bodySHA256=" + WebhookSignature.bodyHash(utf8(body));
		String signature = TwilioSdk.sign(DOCS_TOKEN, url, Map.of());
		assertThat(TwilioSdk.validateBody(DOCS_TOKEN, url, body, signature)).isTrue();
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), url, new SignedPayload.Json(utf8(body)), signature))
			.isTrue();
	}

	@Test
	void bodySha256IsTheLowerCaseHexOfTheRawBody() {
		assertThat(WebhookSignature.bodyHash(utf8("")))
			.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	}

	@Test
	void rejectsAJsonWebhookWhoseBodyWasChanged() {
		String body = "{\"a\":1}";
		String url = "https://mycompany.com/hook?bodySHA256=" + WebhookSignature.bodyHash(utf8(body));
		String signature = TwilioSdk.sign(DOCS_TOKEN, url, Map.of());
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), url, new SignedPayload.Json(utf8("{\"a\":2}")),
				signature))
			.isFalse();
		assertThat(TwilioSdk.validateBody(DOCS_TOKEN, url, "{\"a\":2}", signature)).isFalse();
	}

	@Test
	void rejectsAJsonWebhookWithAnUpperCaseHash() {
		String body = "{\"a\":1}";
		String url = "https://mycompany.com/hook?bodySHA256=" + WebhookSignature.bodyHash(utf8(body)).toUpperCase();
		String signature = TwilioSdk.sign(DOCS_TOKEN, url, Map.of());
		assertThat(TwilioSdk.validateBody(DOCS_TOKEN, url, body, signature)).isFalse();
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), url, new SignedPayload.Json(utf8(body)), signature))
			.isFalse();
	}

	@Test
	void rejectsAJsonWebhookWithoutBodySha256() {
		String url = "https://mycompany.com/hook";
		String signature = TwilioSdk.sign(DOCS_TOKEN, url, Map.of());
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), url, new SignedPayload.Json(utf8("{}")), signature))
			.isFalse();
	}

	@Test
	void aJsonWebhookAcceptsTheDefaultPortVariantToo() {
		String body = "{}";
		String url = "https://mycompany.com/hook?bodySHA256=" + WebhookSignature.bodyHash(utf8(body));
		String signature = TwilioSdk.sign(DOCS_TOKEN, url.replace(".com/", ".com:443/"), Map.of());
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), url, new SignedPayload.Json(utf8(body)), signature))
			.isTrue();
	}

	@Test
	void aRepeatedNameContributesOnePairPerValueInSortedOrder() {
		Map<String, List<String>> params = new LinkedHashMap<>();
		params.put("b", List.of("2"));
		params.put("a", List.of("z", "y", ""));
		assertThat(WebhookSignature.dataToSign("https://h/", params)).isEqualTo("https://h/aayazb2");
		String signature = TwilioSdk.sign(DOCS_TOKEN, "https://h/aayaz", Map.of("b", "2"));
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), "https://h/", new SignedPayload.Form(params),
				signature))
			.isTrue();
	}

	@Test
	void aSignatureOverDistinctValuesIsAcceptedWhenAValueRepeats() {
		Map<String, List<String>> params = Map.of("a", List.of("x", "x"));
		String kept = TwilioSdk.sign(DOCS_TOKEN, "https://h/axax", Map.of());
		String distinct = TwilioSdk.sign(DOCS_TOKEN, "https://h/", Map.of("a", "x"));
		SignedPayload.Form form = new SignedPayload.Form(params);
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), "https://h/", form, kept)).isTrue();
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), "https://h/", form, distinct)).isTrue();
	}

	@Test
	void namesSortCaseSensitivelyAsTheJavaSdkDoes() {
		Map<String, String> params = Map.of("a", "1", "B", "2", "_", "3");
		assertThat(WebhookSignature.dataToSign("u", multi(params))).isEqualTo("uB2_3a1");
		assertThat(verify(DOCS_TOKEN, "https://h/", params, TwilioSdk.sign(DOCS_TOKEN, "https://h/", params))).isTrue();
	}

	@Test
	void aGetWebhookIsSignedOverTheUrlAlone() {
		String url = "https://mycompany.com/hook?CallSid=CA1&From=%2B1234";
		String signature = TwilioSdk.sign(DOCS_TOKEN, url, Map.of());
		assertThat(WebhookSignature.verify(Secret.of(DOCS_TOKEN), url, SignedPayload.none(), signature)).isTrue();
	}

	@Test
	void rejectsASignatureThatDiffersOnlyInCaseOrPadding() {
		assertThat(verify(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE.toLowerCase())).isFalse();
		assertThat(verify(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE.replace("=", ""))).isFalse();
		assertThat(verify(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS, "")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "mycompany.com/hook", "/hook", "ftp://mycompany.com/hook", "https://",
			"https:///hook", "https://my company.com/hook", "https://mycompany.com/ho\nok", "https://a:b:c/x",
			"https://[zz]/x", "https://h:12a/x" })
	void rejectsAUrlThatIsNotAnAbsoluteHttpUrl(String url) {
		assertThatThrownBy(() -> WebhookSignature.checkUrl(url)).isInstanceOfSatisfying(WebhookException.class,
				ex -> {
					assertThat(ex.status()).isEqualTo(400);
					assertThat(ex.problem()).isEqualTo("invalid-webhook-url");
				});
	}

	@Test
	void anInvalidUrlErrorNeverEchoesTheUrl() {
		assertThatThrownBy(() -> WebhookSignature.checkUrl("ftp://user:hunter2@example.com/x"))
			.isInstanceOf(WebhookException.class)
			.satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("hunter2").doesNotContain("example.com"));
	}

	@Test
	void readsTheFirstQueryParameterDecoded() {
		assertThat(WebhookSignature.queryParameter("https://h/?a=1&bodySHA256=ab%63&bodySHA256=x#frag", "bodySHA256"))
			.hasValue("abc");
		assertThat(WebhookSignature.queryParameter("https://h/?a=1", "bodySHA256")).isEmpty();
		assertThat(WebhookSignature.queryParameter("https://h/#?bodySHA256=1", "bodySHA256")).isEmpty();
	}

	private static boolean verify(String token, String url, Map<String, String> params, String signature) {
		return WebhookSignature.verify(Secret.of(token), url, new SignedPayload.Form(multi(params)), signature);
	}

	private static Map<String, List<String>> multi(Map<String, String> params) {
		Map<String, List<String>> multi = new LinkedHashMap<>();
		params.forEach((name, value) -> multi.put(name, List.of(value)));
		return multi;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static Map<String, String> docsParams() {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("CallSid", "CA1234567890ABCDE");
		params.put("Caller", "+12349013030");
		params.put("Digits", "1234");
		params.put("From", "+12349013030");
		params.put("To", "+18005551212");
		return params;
	}

}
