package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A clock that reads the time of a {@link VirtualTimeScheduler}: it stands still until
 * the scheduler is advanced, and then it has moved exactly as far as the scheduler, so
 * that the token state's notion of "now" and its scheduled waits never drift apart. Its
 * time is the origin plus the scheduler's time, in UTC.
 */
public final class VirtualClock extends Clock {

	private final VirtualTimeScheduler scheduler;

	private final Instant origin;

	/**
	 * Create a clock that reads the given scheduler.
	 * @param scheduler the scheduler whose time the clock tells
	 * @param origin the instant at the scheduler's time zero
	 */
	public VirtualClock(VirtualTimeScheduler scheduler, Instant origin) {
		this.scheduler = scheduler;
		this.origin = origin;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("A virtual clock has no other zone");
	}

	@Override
	public Instant instant() {
		return this.origin.plusNanos(this.scheduler.now(TimeUnit.NANOSECONDS));
	}

}
