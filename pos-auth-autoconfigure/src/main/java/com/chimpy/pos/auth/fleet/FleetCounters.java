package com.chimpy.pos.auth.fleet;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the renewals of one store did, counted since start-up for its meters.
 */
final class FleetCounters {

	private final LongAdder renewalsHere = new LongAdder();

	private final LongAdder takenFromFleet = new LongAdder();

	private final LongAdder lockWaits = new LongAdder();

	private final LongAdder localFallbacks = new LongAdder();

	private final LongAdder unauthorizedHeldBack = new LongAdder();

	void renewedHere() {
		this.renewalsHere.increment();
	}

	void tookFromFleet() {
		this.takenFromFleet.increment();
	}

	void waitedForLock() {
		this.lockWaits.increment();
	}

	void fellBackToLocal() {
		this.localFallbacks.increment();
	}

	void heldBackUnauthorized() {
		this.unauthorizedHeldBack.increment();
	}

	long renewalsHere() {
		return this.renewalsHere.sum();
	}

	long takenFromFleet() {
		return this.takenFromFleet.sum();
	}

	long lockWaits() {
		return this.lockWaits.sum();
	}

	long localFallbacks() {
		return this.localFallbacks.sum();
	}

	long unauthorizedHeldBack() {
		return this.unauthorizedHeldBack.sum();
	}

}
