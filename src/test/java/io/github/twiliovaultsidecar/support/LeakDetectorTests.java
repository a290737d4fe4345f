package io.github.twiliovaultsidecar.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.twiliovaultsidecar.support.LeakDetector.Finding;

import static org.assertj.core.api.Assertions.assertThat;

/** The leak detector finds a canary in every form it can leak in, and nothing else. */
class LeakDetectorTests {

	private static final String ACCOUNT = "AC" + "0123456789abcdef".repeat(2);

	private final String token = TestSids.authToken();

	private final LeakDetector detector = new LeakDetector().add("ie1 token", ACCOUNT, this.token);

	@Test
	void findsTheWholeTokenInAResponseBody() {
		List<Finding> findings = this.detector.findings(Map.of("response GET /x", "{\"auth_token\":\"" + this.token + "\"}"));
		assertThat(findings).singleElement().satisfies(finding -> {
			assertThat(finding.canary()).isEqualTo("ie1 token");
			assertThat(finding.form()).isEqualTo("secret");
			assertThat(finding.source()).isEqualTo("response GET /x");
		});
	}

	@Test
	void findsASixteenCharacterWindowOfTheTokenAnywhereInIt() {
		for (int start = 0; start + LeakDetector.WINDOW <= this.token.length(); start++) {
			String piece = this.token.substring(start, start + LeakDetector.WINDOW);
			assertThat(this.detector.findings(Map.of("body", "prefix " + piece + " suffix")))
				.as("window at %d", start)
				.singleElement()
				.extracting(Finding::form)
				.isEqualTo("secret-window");
		}
	}

	@Test
	void ignoresFifteenCharactersOfTheToken() {
		String piece = this.token.substring(3, 3 + LeakDetector.WINDOW - 1);
		assertThat(this.detector.findings(Map.of("body", "prefix " + piece + " suffix"))).isEmpty();
	}

	@Test
	void findsTheBasicAuthBase64FormAndAWindowOfItInAHeader() {
		String basic = Base64.getEncoder()
			.encodeToString((ACCOUNT + ":" + this.token).getBytes(StandardCharsets.UTF_8));
		assertThat(this.detector.findings(Map.of("response header", "WWW-Authenticate: Basic " + basic)))
			.singleElement()
			.extracting(Finding::form)
			.isEqualTo("basic");
		String tail = basic.substring(basic.length() - 20, basic.length() - 2);
		assertThat(this.detector.findings(Map.of("response header", "X-Debug: " + tail))).singleElement()
			.extracting(Finding::form)
			.isEqualTo("basic-window");
	}

	@Test
	void doesNotReportTheBase64OfThePublicAccountSidAlone() {
		String placeholder = Base64.getEncoder()
			.encodeToString((ACCOUNT + ":placeholder-password").getBytes(StandardCharsets.UTF_8));
		assertThat(this.detector.findings(Map.of("caller's own header", placeholder))).isEmpty();
	}

	@Test
	void findsAWindowInAFormattedLogLine() {
		String line = "2026-01-01T00:00:00.000Z  WARN 1 --- [main] x.Y : upstream said "
				+ this.token.substring(10, 28) + "\n";
		assertThat(this.detector.findings(Map.of("log", line))).singleElement().satisfies(finding -> {
			assertThat(finding.source()).isEqualTo("log");
			assertThat(finding.form()).isEqualTo("secret-window");
			assertThat(finding.excerpt()).contains("<<").doesNotContain("\n");
		});
	}

	@Test
	void reportsEachSourceAndCanarySeparatelyAndNothingForCleanText() {
		String other = TestSids.authToken();
		this.detector.add("au1 token", ACCOUNT, other);
		Map<String, String> sources = new LinkedHashMap<>();
		sources.put("clean", "{\"auth_token\":\"[redacted]\",\"sid\":\"" + ACCOUNT + "\"}");
		sources.put("first", this.token);
		sources.put("second", other.substring(0, 16));
		assertThat(this.detector.findings(sources)).extracting(Finding::canary, Finding::source)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ie1 token", "first"),
					org.assertj.core.groups.Tuple.tuple("au1 token", "second"));
	}

	@Test
	void theFirstSecretCharacterOfTheBase64FormIsWhereTheEncodingStartsToDependOnTheSecret() {
		String a = Base64.getEncoder().encodeToString((ACCOUNT + ":" + "a".repeat(32)).getBytes(StandardCharsets.UTF_8));
		String b = Base64.getEncoder().encodeToString((ACCOUNT + ":" + "0".repeat(32)).getBytes(StandardCharsets.UTF_8));
		int first = LeakDetector.firstSecretChar(ACCOUNT);
		assertThat(a.substring(0, first)).isEqualTo(b.substring(0, first));
		assertThat(a.charAt(first)).isNotEqualTo(b.charAt(first));
	}

}
