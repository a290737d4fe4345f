package io.github.twiliovaultsidecar.seeding;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * What this instance learnt from checking stored credentials: the last outcome per entry (for the
 * inventory and the readiness details) and the verification meters. Tags are the region (a known
 * region code, else {@code other}) and the outcome; the Account SID only when
 * {@code sidecar.verification.account-tags} is on.
 */
final class VerificationResults {

	/** Counter of checks, tags {@code region}, {@code outcome} (and {@code account} when enabled). */
	static final String CHECKS = "sidecar.credentials.verification";

	/**
	 * Gauge, seconds: per region, how long ago the least recently proven credential was last proven
	 * good (rejected and unusable entries left out: they have their own outcome).
	 */
	static final String AGE = "sidecar.credentials.verification.age";

	/**
	 * Gauge: per region, the entries whose last check here Twilio rejected, among checks of the last
	 * two intervals (a replica that stopped running the verification does not keep reporting them).
	 */
	static final String REJECTED = "sidecar.credentials.verification.rejected";

	/** Counter of waits, tag {@code reason} ({@code twilio-429}, {@code breaker-open}). */
	static final String THROTTLED = "sidecar.credentials.verification.throttled";

	/** Counter of background runs, tag {@code outcome} ({@code completed}, {@code lease-lost}, {@code failed}). */
	static final String RUNS = "sidecar.credentials.verification.runs";

	/** The {@code outcome} tags of {@link #RUNS}. */
	static final List<String> RUN_OUTCOMES = List.of("completed", "lease-lost", "failed");

	/** Reason tag of a wait for Twilio's 429. */
	static final String REASON_TWILIO_429 = "twilio-429";

	/** Reason tag of a wait for a region's open circuit breaker. */
	static final String REASON_BREAKER_OPEN = "breaker-open";

	private final MeterRegistry registry;

	private final Clock clock;

	private final boolean accountTags;

	/** How long an outcome counts for the rejected gauge; {@code null} for ever. */
	private final Duration remembered;

	private final Map<String, Known> byPath = new ConcurrentHashMap<>();

	/** The tags of the age gauges registered so far: one per region, on its first check. */
	private final Set<Tags> gauges = ConcurrentHashMap.newKeySet();

	/**
	 * Registers the run and wait counters at once, so they read 0 before anything happened.
	 * @param remembered how long an outcome counts for {@value #REJECTED}, {@code null} for ever
	 */
	VerificationResults(MeterRegistry registry, Clock clock, boolean accountTags, Duration remembered) {
		this.registry = registry;
		this.clock = clock;
		this.accountTags = accountTags;
		this.remembered = remembered;
		RUN_OUTCOMES.forEach(outcome -> runs(outcome));
		List.of(REASON_TWILIO_429, REASON_BREAKER_OPEN).forEach(reason -> throttledCounter(reason));
	}

	/**
	 * Records a check's outcome and counts it.
	 * @param path the entry's path as people see it
	 */
	void record(CredentialKey key, String path, Verification verification) {
		Instant at = verification.instant();
		this.byPath.compute(path, (p, known) -> {
			Instant firstChecked = (known != null) ? known.firstChecked : at;
			Instant lastGood = (verification.outcome() == Verification.Outcome.VERIFIED) ? at
					: (known != null) ? known.lastGood : null;
			return new Known(key, verification, firstChecked, lastGood);
		});
		Tags tags = tags(key);
		Counter.builder(CHECKS)
			.description("Checks of stored credentials against their regional host, by outcome")
			.tags(tags)
			.tag("outcome", verification.outcome().value())
			.register(this.registry)
			.increment();
		if (this.gauges.add(tags)) {
			Gauge.builder(AGE, () -> age(tags))
				.description("How long ago the least recently proven credential was last proven good by Twilio")
				.baseUnit("seconds")
				.tags(tags)
				.register(this.registry);
			Gauge.builder(REJECTED, () -> rejected(tags))
				.description("Stored credentials whose last check Twilio rejected: reseed them (paths in the log and the inventory)")
				.tags(tags)
				.register(this.registry);
		}
	}

	/** Counts one wait before a check. */
	void throttled(String reason) {
		throttledCounter(reason).increment();
	}

	/** Counts one background run; {@code outcome} is one of {@link #RUN_OUTCOMES}. */
	void run(String outcome) {
		runs(outcome).increment();
	}

	private Counter throttledCounter(String reason) {
		return Counter.builder(THROTTLED)
			.description("Waits of the background verification: Twilio asked to slow down, or a region's breaker was open")
			.tag("reason", reason)
			.register(this.registry);
	}

	private Counter runs(String outcome) {
		return Counter.builder(RUNS)
			.description("Background verification runs, by how they ended")
			.tag("outcome", outcome)
			.register(this.registry);
	}

	/** @return the last outcome this instance saw for the entry */
	Optional<Verification> last(String path) {
		return Optional.ofNullable(this.byPath.get(path)).map(Known::last);
	}

	/** @return the paths whose last check Twilio rejected, sorted */
	List<String> rejected() {
		List<String> paths = new ArrayList<>();
		this.byPath.forEach((path, known) -> {
			if (known.last.outcome() == Verification.Outcome.REJECTED) {
				paths.add(path);
			}
		});
		paths.sort(null);
		return paths;
	}

	/** @return how many entries under these tags were last rejected, within the remembered time */
	private double rejected(Tags tags) {
		Instant since = (this.remembered != null) ? this.clock.instant().minus(this.remembered) : Instant.MIN;
		return this.byPath.values()
			.stream()
			.filter(known -> known.last.outcome() == Verification.Outcome.REJECTED && tags(known.key).equals(tags)
					&& !known.last.instant().isBefore(since))
			.count();
	}

	/** @return seconds since the least recently proven entry under these tags was proven good, NaN for none */
	private double age(Tags tags) {
		Instant now = this.clock.instant();
		Duration oldest = null;
		for (Known known : this.byPath.values()) {
			if (!tags(known.key).equals(tags) || known.last.outcome() == Verification.Outcome.REJECTED
					|| known.last.outcome() == Verification.Outcome.UNUSABLE) {
				continue;
			}
			Instant good = (known.lastGood != null) ? known.lastGood : known.firstChecked;
			Duration age = Duration.between(good, now);
			if (oldest == null || age.compareTo(oldest) > 0) {
				oldest = age;
			}
		}
		return (oldest == null) ? Double.NaN : Math.max(0, oldest.toMillis() / 1000.0);
	}

	private Tags tags(CredentialKey key) {
		Tags tags = Tags.of("region", regionTag(key.region()));
		return this.accountTags ? tags.and("account", key.account().value()) : tags;
	}

	/** @return the region's code when this version knows it, else {@code other}: a bounded tag */
	static String regionTag(Region region) {
		return region.isKnown() ? region.code() : "other";
	}

	/**
	 * @param last the latest outcome
	 * @param firstChecked when this instance first checked the entry
	 * @param lastGood when Twilio last accepted it here, {@code null} when it never did
	 */
	private record Known(CredentialKey key, Verification last, Instant firstChecked, Instant lastGood) {
	}

}
