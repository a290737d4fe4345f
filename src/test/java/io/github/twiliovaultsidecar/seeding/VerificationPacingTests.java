package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import io.github.twiliovaultsidecar.twilio.Region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How fast checks go per region, and how they back off after Twilio's 429. */
class VerificationPacingTests {

	private static final Duration MAX = Duration.ofMinutes(1);

	@Test
	void retryAfterIsHonouredUpToTheMaximum() {
		assertThat(VerificationPacing.backoff(1, Optional.of(Duration.ofSeconds(3)), MAX, 0.9))
			.isEqualTo(Duration.ofSeconds(3));
		assertThat(VerificationPacing.backoff(1, Optional.of(Duration.ofHours(1)), MAX, 0.9)).isEqualTo(MAX);
	}

	@Test
	void withoutRetryAfterTheWaitDoublesPerAttemptWithAQuarterOfJitter() {
		assertThat(VerificationPacing.backoff(1, Optional.empty(), MAX, 0.5)).isEqualTo(Duration.ofSeconds(1));
		assertThat(VerificationPacing.backoff(2, Optional.empty(), MAX, 0.5)).isEqualTo(Duration.ofSeconds(2));
		assertThat(VerificationPacing.backoff(3, Optional.empty(), MAX, 0.5)).isEqualTo(Duration.ofSeconds(4));
		assertThat(VerificationPacing.backoff(3, Optional.empty(), MAX, 0.0)).isEqualTo(Duration.ofSeconds(3));
		assertThat(VerificationPacing.backoff(3, Optional.empty(), MAX, 0.999999)).isBetween(Duration.ofMillis(4999),
				Duration.ofSeconds(5));
		assertThat(VerificationPacing.backoff(20, Optional.empty(), MAX, 0.5)).isEqualTo(MAX);
	}

	@Test
	void each429HalvesTheRegionsRateDownToOnePerSecondAndLeavesOtherRegionsAlone() {
		VerificationPacing pacing = VerificationPacing.forRun(properties(8), () -> 0.5);
		assertThat(pacing.rate(Region.IE1)).isEqualTo(8);
		pacing.throttled(Region.IE1, 1, Optional.of(Duration.ZERO));
		assertThat(pacing.rate(Region.IE1)).isEqualTo(4);
		pacing.throttled(Region.IE1, 2, Optional.of(Duration.ZERO));
		pacing.throttled(Region.IE1, 3, Optional.of(Duration.ZERO));
		pacing.throttled(Region.IE1, 4, Optional.of(Duration.ZERO));
		assertThat(pacing.rate(Region.IE1)).isEqualTo(1);
		assertThat(pacing.rate(Region.US1)).isEqualTo(8);
		assertThat(VerificationPacing.forRun(properties(8), () -> 0.5).rate(Region.IE1)).isEqualTo(8);
	}

	@Test
	void theRateLimitsChecksStartedPerSecondPerRegion() {
		VerificationPacing pacing = VerificationPacing.forRun(properties(5), () -> 0.5);
		long started = System.nanoTime();
		Flux.range(0, 11).concatMap(i -> pacing.permit(Region.AU1)).blockLast(Duration.ofSeconds(10));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

	@Test
	void aThrottledRegionPausesItsNextPermit() {
		VerificationPacing pacing = VerificationPacing.forRun(properties(100), () -> 0.5);
		pacing.permit(Region.JP1).block();
		Duration wait = pacing.throttled(Region.JP1, 1, Optional.of(Duration.ofMillis(600)));
		assertThat(wait).isEqualTo(Duration.ofMillis(600));
		long started = System.nanoTime();
		pacing.permit(Region.JP1).block(Duration.ofSeconds(5));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
		long other = System.nanoTime();
		pacing.permit(Region.US1).block(Duration.ofSeconds(5));
		assertThat(Duration.ofNanos(System.nanoTime() - other)).isLessThan(Duration.ofMillis(400));
	}

	@Test
	void anImmediatePacingNeverWaitsAndAllowsOneAttempt() {
		VerificationPacing pacing = VerificationPacing.immediate();
		assertThat(pacing.maxAttempts()).isEqualTo(1);
		long started = System.nanoTime();
		Flux.range(0, 50).concatMap(i -> pacing.permit(Region.IE1)).blockLast(Duration.ofSeconds(1));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
	}

	@Test
	void anOpenBreakerIsWaitedForAtMostTheMaximumBackoff() {
		VerificationPacing pacing = VerificationPacing.forRun(properties(2), () -> 0.5);
		assertThat(pacing.holdBack(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
		assertThat(pacing.holdBack(Duration.ofMinutes(5))).isEqualTo(MAX);
	}

	@Test
	void badSettingsNameThePropertyAndTheValue() {
		assertThatThrownBy(() -> new VerificationProperties(Duration.ofHours(6), 0.7, 4, 2, MAX, Duration.ofMinutes(2),
				"lease", false))
			.hasMessageContaining("sidecar.verification.jitter")
			.hasMessageContaining("0.7");
		assertThatThrownBy(() -> new VerificationProperties(Duration.ofHours(6), 0.1, 4, 0, MAX, Duration.ofMinutes(2),
				"lease", false))
			.hasMessageContaining("sidecar.verification.rate-per-region");
		assertThatThrownBy(() -> new VerificationProperties(Duration.ofHours(6), 0.1, 4, 2, MAX, Duration.ofMinutes(2),
				"a/b", false))
			.hasMessageContaining("sidecar.verification.lease-name");
		assertThatThrownBy(() -> new VerificationProperties(Duration.ofSeconds(-1), 0.1, 4, 2, MAX,
				Duration.ofMinutes(2), "lease", false))
			.hasMessageContaining("sidecar.verification.interval");
		assertThat(new VerificationProperties(Duration.ZERO, 0.1, 4, 2, MAX, Duration.ofMinutes(2), "lease", false)
			.enabled()).isFalse();
	}

	private static VerificationProperties properties(int rate) {
		return new VerificationProperties(Duration.ofHours(6), 0.1, 4, rate, MAX, Duration.ofMinutes(2),
				VerificationProperties.DEFAULT_LEASE_NAME, false);
	}

}
