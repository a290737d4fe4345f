package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.twiliovaultsidecar.store.EntryMetadata;
import io.github.twiliovaultsidecar.store.StoredPath;

import static org.assertj.core.api.Assertions.assertThat;

/** The inventory's problem rules as pure functions. */
class InventoryRulesTests {

	private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";

	private static final String TOKEN = "0123456789abcdef0123456789abcdef";

	private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

	private static final Duration MAX_AGE = Duration.ofDays(90);

	@Test
	void aHealthyEntryHasNoProblems() {
		assertThat(problems(ACCOUNT, "ie1", Map.of("auth_token", TOKEN, "edge", "dublin"), NOW.minusSeconds(60)))
			.isEmpty();
		assertThat(problems(ACCOUNT, "us1", Map.of("auth_token", TOKEN), NOW)).isEmpty();
	}

	@Test
	void wronglyNamedTokenKeysAreNamedWithTheRightName() {
		for (String key : List.of("token", "authToken", "AUTH_TOKEN", "Auth-Token")) {
			assertThat(problems(ACCOUNT, "us1", Map.of(key, TOKEN), NOW))
				.contains("key '" + key + "' is not read; name it 'auth_token' (lower case, with underscores)");
		}
	}

	@Test
	void surroundingWhitespaceIsReportedWithoutTheValue() {
		List<String> problems = problems(ACCOUNT, "us1", Map.of("auth_token", " " + TOKEN + "\n"), NOW);
		assertThat(problems).singleElement().satisfies(problem -> {
			assertThat(problem).contains("surrounding whitespace");
			assertThat(problem).doesNotContain(TOKEN);
		});
	}

	@Test
	void aTokenThatIsNot32LowerCaseHexIsReported() {
		assertThat(problems(ACCOUNT, "us1", Map.of("auth_token", TOKEN.toUpperCase()), NOW))
			.containsExactly("'auth_token' is not 32 lower-case hex digits, as Twilio Auth Tokens are");
		assertThat(problems(ACCOUNT, "us1", Map.of("auth_token", "short"), NOW)).hasSize(1);
	}

	@Test
	void folderNamesThatAreNotASidOrRegionAreReported() {
		assertThat(InventoryRules.folderProblems(new StoredPath("prod", "ireland"))).containsExactly(
				"folder 'prod' is not an Account SID (AC followed by 32 hex digits)",
				"folder 'ireland' is not a Twilio region code (such as us1, ie1, au1)");
		assertThat(InventoryRules.folderProblems(new StoredPath("AC0123456789ABCDEF0123456789ABCDEF", "zz9")))
			.satisfiesExactly(first -> assertThat(first).contains("upper-case").contains(ACCOUNT),
					second -> assertThat(second).contains("region 'zz9' is not one this version knows"));
	}

	@Test
	void aMissingEdgeIsReportedForNonUs1RegionsOnly() {
		assertThat(problems(ACCOUNT, "ie1", Map.of("auth_token", TOKEN), NOW))
			.containsExactly("no 'edge' for region ie1 (the default dublin is used; store it to make it explicit)");
		assertThat(problems(ACCOUNT, "zz9", Map.of("auth_token", TOKEN), NOW))
			.contains("no 'edge' for region zz9, which has no default edge: calls cannot be routed");
		assertThat(problems(ACCOUNT, "us1", Map.of("auth_token", TOKEN), NOW)).isEmpty();
	}

	@Test
	void anEntryOlderThanMaxAgeIsReported() {
		assertThat(problems(ACCOUNT, "us1", Map.of("auth_token", TOKEN), NOW.minus(Duration.ofDays(91))))
			.containsExactly("last written 91 days ago, longer than sidecar.seeding.max-age (90 days): rotate it");
		assertThat(problems(ACCOUNT, "us1", Map.of("auth_token", TOKEN), NOW.minus(Duration.ofDays(89)))).isEmpty();
	}

	@Test
	void unknownKeysAreReportedAsIgnored() {
		assertThat(problems(ACCOUNT, "us1", Map.of("auth_token", TOKEN, "owner", "team-a"), NOW))
			.containsExactly("key 'owner' is ignored");
	}

	@Test
	void aDeletedLatestVersionIsReportedAndItsDataIsNotChecked() {
		EntryMetadata deleted = new EntryMetadata(3, true, Optional.of(NOW), Optional.of(NOW), Map.of());
		assertThat(InventoryRules.problems(new StoredPath(ACCOUNT, "us1"), Optional.empty(), Optional.of(deleted), NOW,
				MAX_AGE))
			.containsExactly("the latest version (3) is deleted or destroyed");
	}

	@Test
	void unreadableDataIsSaid() {
		assertThat(InventoryRules.problems(new StoredPath(ACCOUNT, "us1"), Optional.empty(), Optional.empty(), NOW,
				MAX_AGE))
			.containsExactly("secret data could not be read to check it");
	}

	@Test
	void noProblemSentenceEverHoldsAValue() {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("Token", " secret-value-1 ");
		data.put("api_key_secret", "secret-value-2");
		data.put("edge", "secret-value-3");
		assertThat(problems("secret-value-4", "ie1", data, NOW))
			.isNotEmpty()
			.allSatisfy(problem -> assertThat(problem).doesNotContain("secret-value-1", "secret-value-2",
					"secret-value-3"));
	}

	private static List<String> problems(String account, String region, Map<String, ?> data, Instant written) {
		EntryMetadata meta = new EntryMetadata(1, false, Optional.of(written), Optional.of(written), Map.of());
		return InventoryRules.problems(new StoredPath(account, region), Optional.of(data), Optional.of(meta), NOW,
				MAX_AGE);
	}

}
