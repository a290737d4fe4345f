package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.twiliovaultsidecar.store.VaultLease;

import static org.assertj.core.api.Assertions.assertThat;

/** When runs happen and who runs them, from the lease as read: pure functions, no Vault. */
class VerificationScheduleTests {

	private static final Instant NOW = Instant.parse("2026-05-01T08:00:00Z");

	private final VerificationSchedule schedule = new VerificationSchedule(Duration.ofHours(6), 0.1,
			Duration.ofMinutes(2));

	@Test
	void aMissingLeaseMeansARunIsDue() {
		assertThat(this.schedule.decide(VaultLease.State.FREE, "me", NOW))
			.isInstanceOf(VerificationSchedule.Run.class);
	}

	@Test
	void aReleasedLeaseWithAFutureNextRunWaitsForIt() {
		Instant next = NOW.plus(Duration.ofHours(5));
		VaultLease.State released = new VaultLease.State(7, "", NOW.minusSeconds(10), Optional.of(next));
		assertThat(this.schedule.decide(released, "me", NOW)).isEqualTo(new VerificationSchedule.WaitUntil(next));
	}

	@Test
	void aReleasedLeaseWhoseNextRunPassedIsDue() {
		VaultLease.State released = new VaultLease.State(7, "", NOW.minusSeconds(10), Optional.of(NOW.minusSeconds(1)));
		assertThat(this.schedule.decide(released, "me", NOW)).isInstanceOf(VerificationSchedule.Run.class);
	}

	@Test
	void aLeaseHeldByAnotherReplicaWaitsUntilItExpires() {
		Instant expires = NOW.plusSeconds(90);
		VaultLease.State held = new VaultLease.State(3, "other", expires, Optional.empty());
		assertThat(this.schedule.decide(held, "me", NOW)).isEqualTo(new VerificationSchedule.WaitUntil(expires));
	}

	@Test
	void aLeaseHeldElsewhereWithALaterNextRunWaitsForTheNextRun() {
		Instant next = NOW.plus(Duration.ofHours(6));
		VaultLease.State held = new VaultLease.State(3, "other", NOW.plusSeconds(90), Optional.of(next));
		assertThat(this.schedule.decide(held, "me", NOW)).isEqualTo(new VerificationSchedule.WaitUntil(next));
	}

	@Test
	void anExpiredLeaseOfAReplicaThatWentAwayIsTakenOver() {
		VaultLease.State stale = new VaultLease.State(3, "gone", NOW.minusSeconds(1), Optional.empty());
		assertThat(this.schedule.decide(stale, "me", NOW)).isInstanceOf(VerificationSchedule.Run.class);
	}

	@Test
	void aLeaseThisReplicaStillHoldsIsItsOwnToRunAgain() {
		VaultLease.State mine = new VaultLease.State(3, "me", NOW.plusSeconds(90), Optional.empty());
		assertThat(this.schedule.decide(mine, "me", NOW)).isInstanceOf(VerificationSchedule.Run.class);
	}

	@ParameterizedTest
	@ValueSource(doubles = { 0.0, 0.25, 0.5, 0.75, 0.999999 })
	void theNextRunIsOneIntervalAwayGiveOrTakeTheJitterShare(double random) {
		Instant next = this.schedule.nextRunAt(NOW, random);
		assertThat(Duration.between(NOW, next)).isBetween(Duration.ofMinutes(324), Duration.ofMinutes(396));
	}

	@Test
	void jitterSpreadsRunsBothWays() {
		assertThat(this.schedule.nextRunAt(NOW, 0.0)).isEqualTo(NOW.plus(Duration.ofMinutes(324)));
		assertThat(this.schedule.nextRunAt(NOW, 0.5)).isEqualTo(NOW.plus(Duration.ofHours(6)));
		assertThat(new VerificationSchedule(Duration.ofHours(6), 0, Duration.ofMinutes(2)).nextRunAt(NOW, 0.9))
			.isEqualTo(NOW.plus(Duration.ofHours(6)));
	}

	@Test
	void replicasSpreadTheirLooksWithinAQuarterOfTheLeaseTtl() {
		assertThat(this.schedule.spread(0)).isZero();
		assertThat(this.schedule.spread(0.999)).isLessThanOrEqualTo(Duration.ofSeconds(30));
		assertThat(this.schedule.firstLook(0.999)).isLessThanOrEqualTo(Duration.ofMinutes(2));
		VerificationSchedule fast = new VerificationSchedule(Duration.ofSeconds(2), 0.1, Duration.ofSeconds(3));
		assertThat(fast.firstLook(0.999)).isLessThanOrEqualTo(Duration.ofMillis(200));
		assertThat(fast.spread(0.999)).isLessThanOrEqualTo(Duration.ofMillis(200));
	}

	@Test
	void aHolderRenewsThreeTimesPerTtl() {
		assertThat(this.schedule.renewEvery()).isEqualTo(Duration.ofSeconds(40));
	}

}
