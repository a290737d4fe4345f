package io.github.twiliovaultsidecar.security;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.masking.SecretMasking;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Caller rules and sensitive operations as pure decisions; no server. */
class CallerAccessTests {

	private static final AccountSid ACCOUNT = AccountSid.parse(TestSids.accountSid());

	private static final String SENDER = "system:serviceaccount:payments:sms-sender";

	private static CallerAccess access(Mode.Kind mode, Set<String> allowSensitive, SecurityProperties.CallerRule... rules) {
		return new CallerAccess(new Mode(mode), new SecurityProperties(List.of(rules), allowSensitive), new AuditLog(),
				CallerAccessTests::decode);
	}

	/** Stands in for the JWT decoder: {@code good:<sub>} decodes to a token for {@code sub}, anything else is refused. */
	private static Mono<Jwt> decode(String token) {
		if (!token.startsWith("good:")) {
			return Mono.error(new BadJwtException("malformed"));
		}
		return Mono.just(Jwt.withTokenValue(token).header("alg", "RS256").subject(token.substring(5)).build());
	}

	private static SecurityProperties.CallerRule rule(String subject, String account, String region, String operation) {
		return new SecurityProperties.CallerRule(subject, List.of(account), List.of(region), List.of(operation));
	}

	@ParameterizedTest(name = "{0} {1} is {2}")
	@CsvSource({ "POST, /2010-04-01/Accounts/AC1/Keys.json, api-keys", "DELETE, /2010-04-01/Accounts/AC1/Keys/SK1.json, api-keys",
			"POST, /2010-04-01/Accounts/AC1/SigningKeys.json, signing-keys",
			"DELETE, /2010-04-01/Accounts/AC1/SigningKeys/SK1.json, signing-keys",
			"POST, /v1/AuthTokens/Secondary, secondary-auth-token", "DELETE, /v1/AuthTokens/Secondary, secondary-auth-token",
			"POST, /v1/AuthTokens/Promote, secondary-auth-token", "POST, /2010-04-01/Accounts.json, accounts",
			"POST, /2010-04-01/Accounts/AC1.json, accounts" })
	void recognisesEverySensitiveOperation(String method, String path, String name) {
		assertThat(SensitiveOperation.of(method, path)).hasValueSatisfying(op -> assertThat(op.configName()).isEqualTo(name));
	}

	@ParameterizedTest(name = "{0} {1} is not sensitive")
	@CsvSource({ "GET, /2010-04-01/Accounts/AC1/Keys.json", "POST, /2010-04-01/Accounts/AC1/Messages.json",
			"GET, /2010-04-01/Accounts/AC1.json", "GET, /2010-04-01/Accounts.json" })
	void leavesOrdinaryOperationsAlone(String method, String path) {
		assertThat(SensitiveOperation.of(method, path)).isEmpty();
	}

	@Test
	void sensitiveOperationsAreDeniedInLocalModeUnlessAllowedByName() {
		CallerAccess strict = access(Mode.Kind.LOCAL, Set.of());
		assertThatThrownBy(() -> strict.check("local", "POST", "/2010-04-01/Accounts/" + ACCOUNT + "/Keys.json", ACCOUNT,
				Region.IE1))
			.isInstanceOfSatisfying(AccessDeniedException.class,
					ex -> assertThat(ex.problem()).isEqualTo("sensitive-operation-denied"));
		CallerAccess allowing = access(Mode.Kind.LOCAL, Set.of("api-keys"));
		assertThatCode(() -> allowing.check("local", "POST", "/2010-04-01/Accounts/" + ACCOUNT + "/Keys.json", ACCOUNT,
				Region.IE1)).doesNotThrowAnyException();
		assertThatThrownBy(() -> allowing.check("local", "POST", "/2010-04-01/Accounts.json", ACCOUNT, Region.IE1))
			.isInstanceOf(AccessDeniedException.class);
	}

	@Test
	void localModeLetsEveryLocalCallerUseEveryAccountAndRegion() {
		assertThatCode(() -> access(Mode.Kind.LOCAL, Set.of()).check("local", "GET",
				"/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json", ACCOUNT, Region.AU1)).doesNotThrowAnyException();
	}

	@Test
	void sharedModeDeniesByDefaultAndGrantsWhatARuleSays() {
		CallerAccess shared = access(Mode.Kind.SHARED, Set.of(),
				rule(SENDER, ACCOUNT.value(), "ie1", "POST /2010-04-01/Accounts/*/Messages.json"),
				rule("system:serviceaccount:ops:*", "*", "*", "GET /2010-04-01/**"));
		String messages = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
		assertThatCode(() -> shared.check(SENDER, "POST", messages, ACCOUNT, Region.IE1)).doesNotThrowAnyException();
		assertThatCode(() -> shared.check("system:serviceaccount:ops:audit", "GET", messages, ACCOUNT, Region.AU1))
			.doesNotThrowAnyException();
		assertThatThrownBy(() -> shared.check(SENDER, "GET", messages, ACCOUNT, Region.IE1))
			.isInstanceOf(AccessDeniedException.class)
			.hasMessageContaining(SENDER)
			.hasMessageContaining("GET /2010-04-01/Accounts/{AC}/Messages.json");
		assertThatThrownBy(() -> shared.check(SENDER, "POST", messages, ACCOUNT, Region.AU1))
			.isInstanceOf(AccessDeniedException.class);
		assertThatThrownBy(() -> shared.check("system:serviceaccount:payments:other", "POST", messages, ACCOUNT,
				Region.IE1)).isInstanceOf(AccessDeniedException.class);
		assertThatThrownBy(() -> shared.check("system:serviceaccount:opsx", "GET", messages, ACCOUNT, Region.IE1))
			.isInstanceOf(AccessDeniedException.class);
	}

	@Test
	void operationPatternsMatchOneSegmentPerStarAndAnyRestForATrailingDoubleStar() {
		OperationPattern pattern = OperationPattern.parse("POST /2010-04-01/Accounts/*/Messages.json");
		assertThat(pattern.matches("POST", "/2010-04-01/Accounts/AC1/Messages.json")).isTrue();
		assertThat(pattern.matches("POST", "/2010-04-01/Accounts/AC1/x/Messages.json")).isFalse();
		assertThat(pattern.matches("GET", "/2010-04-01/Accounts/AC1/Messages.json")).isFalse();
		OperationPattern any = OperationPattern.parse("* /v1/**");
		assertThat(any.matches("DELETE", "/v1/Services/IS1")).isTrue();
		assertThat(any.matches("GET", "/v1")).isTrue();
		assertThat(any.matches("GET", "/v2/x")).isFalse();
	}

	@Test
	void invalidRulesFailAtStartUpNamingTheProperty() {
		assertThatThrownBy(() -> rule(SENDER, "ACnope", "ie1", "GET /x")).hasMessageContaining("accounts")
			.hasMessageContaining("ACnope");
		assertThatThrownBy(() -> rule(SENDER, "*", "europe", "GET /x")).hasMessageContaining("europe");
		assertThatThrownBy(() -> rule(SENDER, "*", "*", "/no-method")).hasMessageContaining("METHOD /path");
		assertThatThrownBy(() -> new SecurityProperties(List.of(), Set.of("everything")))
			.hasMessageContaining("allow-sensitive");
	}

	@Test
	void auditTemplatesMaskEverySid() {
		assertThat(AuditLog.template("/2010-04-01/Accounts/" + ACCOUNT + "/Messages/SM" + TestSids.hex(32) + ".json"))
			.isEqualTo("/2010-04-01/Accounts/{AC}/Messages/{SM}.json");
	}

	@Test
	void auditTemplatesAgreeWithTheSidPatternOnRandomPaths() {
		java.util.regex.Pattern sid = java.util.regex.Pattern
			.compile("(?<![A-Za-z0-9])([A-Z]{2})[0-9a-fA-F]{32}(?![0-9a-fA-F])");
		java.util.Random random = new java.util.Random(7);
		String[] pieces = { "/", "AC", "SM", "ac", "x", "Z", "0", "f", "F", "g", ".json", "-", TestSids.hex(32),
				TestSids.hex(31), TestSids.hex(33), TestSids.hex(16) };
		for (int n = 0; n < 5000; n++) {
			StringBuilder path = new StringBuilder();
			for (int k = random.nextInt(12); k >= 0; k--) {
				path.append(pieces[random.nextInt(pieces.length)]);
			}
			String expected = sid.matcher(path).replaceAll("{$1}");
			assertThat(AuditLog.template(path.toString())).as(path.toString()).isEqualTo(expected);
		}
	}

	@Test
	void logMaskingHidesKnownSecretsTheirBasicFormAndCredentialHeaders() {
		String token = TestSids.authToken();
		SecretMasking.register(token, ACCOUNT.value());
		String basic = java.util.Base64.getEncoder().encodeToString((ACCOUNT + ":" + token).getBytes());
		assertThat(SecretMasking.mask("token " + token + " basic " + basic + " header Bearer eyJhbGciOiJSUzI1NiJ9.x.y"))
			.doesNotContain(token)
			.doesNotContain(basic)
			.doesNotContain("eyJhbGciOiJSUzI1NiJ9")
			.contains(SecretMasking.MASK);
		assertThat(SecretMasking.mask("Proxy-Authorization: bEaReR eyJhbGciOiJSUzI1NiJ9.abc")).doesNotContain("eyJhbGciOiJSUzI1NiJ9");
		assertThat(SecretMasking.mask("authorization=BASIC QUMxMjM0NTY3ODk6c2VjcmV0c2VjcmV0")).doesNotContain("QUMxMjM0NTY3ODk6");
		assertThat(SecretMasking.mask("{\"event\":\"proxy\",\"path\":\"/2010-04-01/Accounts/{AC}/Messages.json\"}"))
			.isEqualTo("{\"event\":\"proxy\",\"path\":\"/2010-04-01/Accounts/{AC}/Messages.json\"}");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "no header |", "Basic credentials | Basic dXNlcjpwYXNz",
			"empty Bearer | Bearer ", "a token the decoder refuses | Bearer not-a-jwt" })
	void sharedModeRefusesACallerWithoutAValidBearerToken(String name, String value) {
		HttpHeaders headers = new HttpHeaders();
		if (value != null) {
			headers.set(CallerAccess.TOKEN_HEADER, value);
		}
		assertThatThrownBy(() -> access(Mode.Kind.SHARED, Set.of()).caller(headers).block())
			.isInstanceOfSatisfying(AccessDeniedException.class, denied -> assertThat(denied.status()).isEqualTo(401));
	}

	@Test
	void theCallerIsTheTokensSubjectInSharedModeAndLocalInLocalMode() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(CallerAccess.TOKEN_HEADER, "bearer good:" + SENDER);
		assertThat(access(Mode.Kind.SHARED, Set.of()).caller(headers).block()).isEqualTo(SENDER);
		assertThat(access(Mode.Kind.LOCAL, Set.of()).caller(new HttpHeaders()).block()).isEqualTo(CallerAccess.LOCAL_CALLER);
	}

}
