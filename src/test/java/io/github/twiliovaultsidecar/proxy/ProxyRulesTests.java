package io.github.twiliovaultsidecar.proxy;

import java.util.Set;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;

import io.github.twiliovaultsidecar.twilio.InvalidTwilioInputException;
import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Target parsing, account resolution and header rules: pure functions, no server. */
class ProxyRulesTests {

	private static final Set<String> API = Set.of("api");

	@Test
	void splitsHostPathAndQueryKeepingTheCallersEncoding() {
		ProxyTarget target = ProxyTarget.parse("/api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
				"To=%2B1555&PageSize=20", API);
		assertThat(target.host().hostName()).isEqualTo("api.dublin.ie1.twilio.com");
		assertThat(target.pathAndQuery()).isEqualTo("/2010-04-01/Accounts/AC1/Messages.json?To=%2B1555&PageSize=20");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api.twilio.com/2010-04-01/../x", "/api.twilio.com/./x", "/api.twilio.com/a/%2e%2e/x",
			"/api.twilio.com/a/%2E%2E/x", "/api.twilio.com/a%2fb", "/api.twilio.com/a%2Fb", "/api.twilio.com/a%5cb",
			"/api.twilio.com/a\\b", "/api.twilio.com/a%zz", "/api.twilio.com/a%2", "/api.twilio.com/a%00b",
			"/api.twilio.com/a%0d%0ab", "/api.twilio.com//x", "/api.twilio.com/2010-04-01/Accounts.json;jsessionid=x", "/api.twilio.com/a%3bb", "/api.twilio.com/a%252e%252e/x", "/api%2etwilio.com/x",
			"/api.twilio.com/a b", "/api.twilio.com/caf\u00e9" })
	void rejectsPathsThatCouldBeReadTwoWays(String path) {
		assertThatThrownBy(() -> ProxyTarget.parse(path, null, API)).isInstanceOfSatisfying(ProxyException.class,
				ex -> assertThat(ex.status()).isEqualTo(400));
	}

	@Test
	void rejectsControlCharactersInTheQuery() {
		assertThatThrownBy(() -> ProxyTarget.parse("/api.twilio.com/x", "a=%0d%0aSet-Cookie:x", API))
			.isInstanceOf(ProxyException.class);
	}

	@Test
	void rejectsHostsOutsideTheGrammar() {
		assertThatThrownBy(() -> ProxyTarget.parse("/api.ie1.twilio.com/x", null, API))
			.isInstanceOf(InvalidTwilioInputException.class)
			.hasMessageContaining("api.dublin.ie1.twilio.com");
	}

	@Test
	void takesTheAccountFromThePathFirst() {
		String account = TestSids.accountSid();
		assertThat(AccountResolution.resolve("/2010-04-01/Accounts/" + account + "/Messages.json", null, null, null)
			.value()).isEqualTo(account);
		assertThat(AccountResolution.resolve("/2010-04-01/Accounts/" + account + ".json", null, null, null).value())
			.isEqualTo(account);
	}

	@Test
	void thePathsAccountIsTheFirstNonEmptySegmentAfterAccountsWithoutOneJsonEnding() {
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts/AC1/Messages.json")).isEqualTo("AC1");
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts/AC1.json")).isEqualTo("AC1");
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts/AC1.json/x")).isEqualTo("AC1");
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts/AC1.json.json")).isEqualTo("AC1.json");
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts/.json")).isEqualTo(".json");
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts//Accounts/AC2/Calls")).isEqualTo("AC2");
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts/AC1/Accounts/AC2")).isEqualTo("AC1");
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts/")).isNull();
		assertThat(AccountResolution.pathAccount("/2010-04-01/Accounts.json")).isNull();
		assertThat(AccountResolution.pathAccount("/2010-04-01/accounts/AC1")).isNull();
		assertThat(AccountResolution.pathAccount("/v1/Services")).isNull();
	}

	@Test
	void thenFromTheBasicUsernameThenTheHeaderThenTheDefault() {
		String a = TestSids.accountSid();
		String b = TestSids.accountSid();
		String c = TestSids.accountSid();
		assertThat(AccountResolution.resolve("/2010-04-01/Accounts.json", CapturingCaller.basic(a, "pw"), null, c)
			.value()).isEqualTo(a);
		assertThat(AccountResolution.resolve("/v1/Services", null, b, c).value()).isEqualTo(b);
		assertThat(AccountResolution.resolve("/v1/Services", null, null, c).value()).isEqualTo(c);
	}

	@Test
	void anApiKeyUsernameIsNotAnAccount() {
		String account = TestSids.accountSid();
		assertThat(AccountResolution.resolve("/v1/x", CapturingCaller.basic(TestSids.apiKeySid(), "pw"), account, null)
			.value()).isEqualTo(account);
	}

	@Test
	void sourcesThatDisagreeAreRejected() {
		String a = TestSids.accountSid();
		String b = TestSids.accountSid();
		assertThatThrownBy(() -> AccountResolution.resolve("/2010-04-01/Accounts/" + a + ".json",
				CapturingCaller.basic(b, "pw"), null, null))
			.isInstanceOfSatisfying(ProxyException.class, ex -> assertThat(ex.problem()).isEqualTo("account-mismatch"));
		assertThatThrownBy(() -> AccountResolution.resolve("/x", CapturingCaller.basic(a, "pw"), b, null))
			.isInstanceOf(ProxyException.class);
	}

	@Test
	void noAccountAnywhereIsRejected() {
		assertThatThrownBy(() -> AccountResolution.resolve("/v1/x", null, null, null))
			.isInstanceOfSatisfying(ProxyException.class, ex -> assertThat(ex.problem()).isEqualTo("account-missing"));
	}

	@Test
	void dropsCredentialsCookiesAndHopByHopHeadersAndSignsForTheHost() {
		HttpHeaders out = forwarded(headers("Authorization", "Basic abc", "Proxy-Authorization", "Bearer x", "Cookie",
				"a=b", "Connection", "keep-alive, X-Drop-Me", "X-Drop-Me", "1", "Transfer-Encoding", "chunked", "Host",
				"127.0.0.1:8080", "X-Twilio-Account-Sid", "AC1", "Accept-Encoding", "gzip", "Content-Type",
				"application/x-www-form-urlencoded", "I-Twilio-Idempotency-Token", "abc"));
		assertThat(out.getFirst("Authorization")).isEqualTo("Basic signed");
		assertThat(out.getFirst("Host")).isEqualTo("api.dublin.ie1.twilio.com");
		assertThat(out.getFirst("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
		assertThat(out.getFirst("I-Twilio-Idempotency-Token")).isEqualTo("abc");
		for (String dropped : new String[] { "Proxy-Authorization", "Cookie", "Connection", "X-Drop-Me",
				"Transfer-Encoding", "X-Twilio-Account-Sid", "Accept-Encoding" }) {
			assertThat(out.containsHeader(dropped)).as(dropped).isFalse();
		}
	}

	@Test
	void headersTheConnectionHeaderNamesAreDroppedWhateverTheirCase() {
		HttpHeaders out = forwarded(headers("Connection", "Keep-Alive, ,x-drop-me", "Connection", " TE , X-Also-Dropped",
				"X-DROP-ME", "1", "x-also-dropped", "2", "X-Kept", "3"));
		assertThat(out.containsHeader("X-Drop-Me")).isFalse();
		assertThat(out.containsHeader("X-Also-Dropped")).isFalse();
		assertThat(out.containsHeader("Connection")).isFalse();
		assertThat(out.getFirst("X-Kept")).isEqualTo("3");
	}

	@Test
	void theCallersHeadersReplaceTheClientsDefaultsInsteadOfJoiningThem() {
		HttpHeaders out = new HttpHeaders(new Netty4HeadersAdapter(new DefaultHttpHeaders()));
		out.set("Host", "127.0.0.1:8443");
		out.set("User-Agent", "ReactorNetty/dev");
		out.set("Accept", "*/*");
		HeaderRules.upstreamRequest(headers("User-Agent", "twilio-java/10", "accept", "application/json", "X-Kept", "1",
				"X-Kept", "2"), "api.dublin.ie1.twilio.com", "Basic signed", out);
		assertThat(out.get("Host")).containsExactly("api.dublin.ie1.twilio.com");
		assertThat(out.get("User-Agent")).containsExactly("twilio-java/10");
		assertThat(out.get("Accept")).containsExactly("application/json");
		assertThat(out.get("X-Kept")).containsExactly("1", "2");
		assertThat(out.get("Authorization")).containsExactly("Basic signed");
	}

	@Test
	void passesTwilioResponseHeadersAndDropsTheLengthOfARewrittenBody() {
		HttpHeaders upstream = headers("Twilio-Request-Id", "RQ1", "Twilio-Concurrent-Requests", "3", "Content-Length",
				"120", "Connection", "close");
		HttpHeaders rewritten = new HttpHeaders();
		HeaderRules.callerResponse(upstream, true, 7, rewritten);
		HttpHeaders relayed = new HttpHeaders();
		HeaderRules.callerResponse(upstream, false, 7, relayed);
		assertThat(rewritten.getFirst("Twilio-Request-Id")).isEqualTo("RQ1");
		assertThat(rewritten.getFirst("Twilio-Concurrent-Requests")).isEqualTo("3");
		assertThat(rewritten.containsHeader("Content-Length")).isFalse();
		assertThat(rewritten.containsHeader("Connection")).isFalse();
		assertThat(rewritten.getFirst(HeaderRules.CREDENTIAL_VERSION)).isEqualTo("7");
		assertThat(relayed.getFirst("Content-Length")).isEqualTo("120");
	}

	/** @return headers with each name and value of {@code namesAndValues} added in turn */
	private static HttpHeaders headers(String... namesAndValues) {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
			headers.add(namesAndValues[i], namesAndValues[i + 1]);
		}
		return headers;
	}

	/** @return what {@link HeaderRules#upstreamRequest} sends to Twilio for {@code caller}'s headers */
	private static HttpHeaders forwarded(HttpHeaders caller) {
		HttpHeaders out = new HttpHeaders();
		HeaderRules.upstreamRequest(caller, "api.dublin.ie1.twilio.com", "Basic signed", out);
		return out;
	}

}
