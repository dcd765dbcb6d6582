package com.chimpy.pos.auth.account;

import java.time.Clock;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import com.chimpy.pos.auth.token.PosTokenState;

/**
 * Drops the token states of accounts that no call has named for the idle timeout
 * ({@code pos.auth.account-idle-timeout}) and closes each a little later. A periodic
 * sweep on the scheduler starts with the first held state; time comes from the clock.
 * States that hold back password grants after a rejection of the credentials are kept.
 */
final class IdleAccountEviction {

	private static final Log logger = LogFactory.getLog(PosTokenStates.class);

	private final ConcurrentMap<String, HeldAccount> held;

	private final long idleMillis;

	private final long touchMillis;

	private final Clock clock;

	private final Scheduler scheduler;

	private final AtomicBoolean sweeping = new AtomicBoolean();

	private final LongAdder evicted = new LongAdder();

	private volatile @Nullable Disposable sweep;

	private volatile boolean stopped;

	IdleAccountEviction(ConcurrentMap<String, HeldAccount> held, long idleMillis, Clock clock, Scheduler scheduler) {
		this.held = held;
		this.idleMillis = idleMillis;
		// how stale the time of last use may get: saves a write on most calls
		this.touchMillis = Math.max(1, Math.min(1000, idleMillis / 16));
		this.clock = clock;
		this.scheduler = scheduler;
	}

	void touch(HeldAccount entry) {
		long now = this.clock.millis();
		if (now - entry.getLastUsed() >= this.touchMillis) {
			entry.setLastUsed(now);
		}
	}

	void start() {
		if (this.sweeping.compareAndSet(false, true)) {
			long period = Math.max(1, Math.min(this.idleMillis / 2, 60_000));
			Disposable task = this.scheduler.schedulePeriodically(this::sweepQuietly, period, period,
					TimeUnit.MILLISECONDS);
			this.sweep = task;
			if (this.stopped) {
				task.dispose();
			}
		}
	}

	int evictIdle() {
		long now = this.clock.millis();
		int count = 0;
		for (HeldAccount entry : this.held.values()) {
			PosTokenState state = entry.getState();
			if (state != null && now - entry.getLastUsed() >= this.idleMillis && !isHoldingBack(state)
					&& this.held.remove(entry.getName(), entry)) {
				count++;
				this.evicted.increment();
				closeLater(state);
				if (logger.isDebugEnabled()) {
					logger.debug("Dropped the idle token state of PoS account '" + entry.getName() + "'");
				}
			}
		}
		return count;
	}

	void closeLater(PosTokenState state) {
		// Calls that took the state just before it was dropped may still use it: close it
		// once they are done.
		long grace = Math.min(this.idleMillis, 60_000);
		try {
			this.scheduler.schedule(state::close, grace, TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			state.close();
		}
	}

	long getEvictedCount() {
		return this.evicted.sum();
	}

	void stop() {
		this.stopped = true;
		Disposable task = this.sweep;
		if (task != null) {
			task.dispose();
		}
	}

	private void sweepQuietly() {
		try {
			evictIdle();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not drop idle PoS account states: " + ex.getClass().getName());
		}
	}

	private static boolean isHoldingBack(PosTokenState state) {
		return state.isStopped() || state.getCredentialRejection() != null;
	}

}
