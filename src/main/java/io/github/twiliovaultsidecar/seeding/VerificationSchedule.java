package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;
import java.time.Instant;

import io.github.twiliovaultsidecar.store.VaultLease;

/**
 * When background runs happen, as pure functions of the lease read from Vault, the clock and a
 * random number in [0, 1): no I/O, no state. A run is due when its lease entry says so (or does not
 * exist); the replica that takes the lease runs it, and on release writes when the next one is due,
 * one jittered interval after the run ended, so replicas sharing a Vault check each entry once per
 * interval between them.
 */
final class VerificationSchedule {

	private final Duration interval;

	private final double jitter;

	private final Duration leaseTtl;

	VerificationSchedule(Duration interval, double jitter, Duration leaseTtl) {
		this.interval = interval;
		this.jitter = jitter;
		this.leaseTtl = leaseTtl;
	}

	/** What a replica does after reading the lease. */
	sealed interface Decision {
	}

	/** Take the lease and run now. */
	record Run() implements Decision {
	}

	/** Look again at {@code at}: the next run is not due yet, or another replica holds the lease. */
	record WaitUntil(Instant at) implements Decision {
	}

	/**
	 * @param lease as read from Vault
	 * @param me this replica's lease owner name
	 */
	Decision decide(VaultLease.State lease, String me, Instant now) {
		if (lease.heldByOtherThan(me, now)) {
			Instant free = lease.expiresAt();
			return new WaitUntil(lease.nextRunAt().filter(free::isBefore).orElse(free));
		}
		if (lease.nextRunAt().filter(now::isBefore).isPresent()) {
			return new WaitUntil(lease.nextRunAt().get());
		}
		return new Run();
	}

	/**
	 * @param random in [0, 1)
	 * @return one interval after {@code ended}, stretched or shrunk by up to the jitter share
	 */
	Instant nextRunAt(Instant ended, double random) {
		double factor = 1 + this.jitter * (2 * random - 1);
		return ended.plusMillis(Math.round(this.interval.toMillis() * factor));
	}

	/**
	 * @param random in [0, 1)
	 * @return how long a replica waits after {@code at} before looking at the lease again: a random
	 * spread up to a quarter of the lease TTL (at most the jitter share of the interval), so replicas
	 * that woke for the same instant do not all ask Vault at once
	 */
	Duration spread(double random) {
		long cap = Math.min(this.leaseTtl.toMillis() / 4, Math.round(this.interval.toMillis() * this.jitter));
		return Duration.ofMillis(Math.round(cap * random));
	}

	/**
	 * @param random in [0, 1)
	 * @return how long after start-up a replica first looks at the lease: up to the jitter share of
	 * the interval (at most the lease TTL), so replicas started together spread out
	 */
	Duration firstLook(double random) {
		long cap = Math.min(this.leaseTtl.toMillis(), Math.round(this.interval.toMillis() * this.jitter));
		return Duration.ofMillis(Math.round(cap * random));
	}

	/** @return how often a holder renews its lease during a run: a third of its TTL */
	Duration renewEvery() {
		return this.leaseTtl.dividedBy(3);
	}

	/** @return how long a replica waits before looking again after Vault failed or refused the lease */
	Duration afterFailure() {
		return (this.leaseTtl.compareTo(this.interval) < 0) ? this.leaseTtl : this.interval;
	}

	/** @return the TTL a lease is written with */
	Duration leaseTtl() {
		return this.leaseTtl;
	}

}
