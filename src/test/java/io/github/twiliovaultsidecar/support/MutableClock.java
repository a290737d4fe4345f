package io.github.twiliovaultsidecar.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move forward by hand, so time-dependent code is tested without sleeping. */
public final class MutableClock extends Clock {

	private volatile Instant now;

	public MutableClock(Instant start) {
		this.now = start;
	}

	/** @return a clock at the current real time */
	public static MutableClock startingNow() {
		return new MutableClock(Instant.now());
	}

	/** Moves the clock forward by {@code amount}. */
	public void advance(Duration amount) {
		this.now = this.now.plus(amount);
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

}
