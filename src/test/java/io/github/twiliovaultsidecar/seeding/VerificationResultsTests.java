package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.support.MutableClock;
import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;

/** The rejected-credentials gauge the chart's alert reads: per region, current, and forgotten in time. */
class VerificationResultsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));

	@Test
	void countsTheEntriesOfARegionWhoseLastCheckWasRejectedUntilOneIsVerifiedAgain() {
		VerificationResults results = new VerificationResults(this.registry, this.clock, false, Duration.ofHours(12));
		CredentialKey first = CredentialKey.of(TestSids.accountSid(), "ie1");
		CredentialKey second = CredentialKey.of(TestSids.accountSid(), "ie1");
		CredentialKey elsewhere = CredentialKey.of(TestSids.accountSid(), "au1");
		results.record(first, first.relativePath(), check(Verification.Outcome.REJECTED));
		results.record(second, second.relativePath(), check(Verification.Outcome.REJECTED));
		results.record(elsewhere, elsewhere.relativePath(), check(Verification.Outcome.VERIFIED));
		assertThat(rejected("ie1")).isEqualTo(2);
		assertThat(rejected("au1")).isZero();

		results.record(first, first.relativePath(), check(Verification.Outcome.VERIFIED));
		assertThat(rejected("ie1")).isEqualTo(1);
	}

	@Test
	void aRejectionOlderThanTheRememberedTimeIsNoLongerCounted() {
		VerificationResults results = new VerificationResults(this.registry, this.clock, false, Duration.ofHours(12));
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "us1");
		results.record(key, key.relativePath(), check(Verification.Outcome.REJECTED));
		this.clock.advance(Duration.ofHours(12));
		assertThat(rejected("us1")).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(rejected("us1")).isZero();
	}

	@Test
	void withoutARememberedTimeARejectionCountsUntilTheEntryIsCheckedAgain() {
		VerificationResults results = new VerificationResults(this.registry, this.clock, false, null);
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "us1");
		results.record(key, key.relativePath(), check(Verification.Outcome.REJECTED));
		this.clock.advance(Duration.ofDays(30));
		assertThat(rejected("us1")).isEqualTo(1);
	}

	private Verification check(Verification.Outcome outcome) {
		return Verification.of(outcome, this.clock.instant(), "checked", 1L);
	}

	private double rejected(String region) {
		return this.registry.get(VerificationResults.REJECTED).tag("region", region).gauge().value();
	}

}
