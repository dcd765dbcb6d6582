package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * When the next token request may be sent after failures: the {@link HoldBack} that
 * answers callers meanwhile (read without a lock on the per-call path), and the
 * background retry that renews a token still in use once the hold ends.
 */
final class RetrySchedule {

	private static final Log logger = LogFactory.getLog(RetrySchedule.class);

	private final String name;

	private final Scheduler scheduler;

	private final Object lock = new Object();

	// Guarded by lock.
	private final FailureBackoff failures;

	// Written under lock; read without it on the per-call path.
	private volatile @Nullable HoldBack holdBack;

	private final Disposable.Swap backgroundRetry = Disposables.swap();

	RetrySchedule(String name, FailureBackoff failures, Scheduler scheduler) {
		this.name = name;
		this.failures = failures;
		this.scheduler = scheduler;
	}

	/**
	 * The current hold, which may have ended already (see {@link HoldBack#holds}).
	 * @return the hold, or {@code null}
	 */
	@Nullable HoldBack holdBack() {
		return this.holdBack;
	}

	/**
	 * The last failure that was not a rejection of the credentials, until a token is
	 * obtained again.
	 * @return the failure, or {@code null}
	 */
	@Nullable Throwable lastFailure() {
		synchronized (this.lock) {
			return this.failures.lastFailure();
		}
	}

	/**
	 * A token was obtained, or the application reset the state: nothing is held back.
	 */
	void cleared() {
		synchronized (this.lock) {
			this.failures.succeeded();
			this.holdBack = null;
		}
	}

	/**
	 * Record a failed token request. A rejection of the credentials holds requests back
	 * for as long as the credential guard says; any other failure for the outage backoff,
	 * and when the current token outlives that backoff, {@code retry} runs in the
	 * background once it ends.
	 * @param failure the failure
	 * @param now the current time
	 * @param refreshTokenHeld whether the next renewal can use a refresh token
	 * @param current the token in use, or {@code null}
	 * @param retry what renews the token in the background
	 */
	void failed(Throwable failure, Instant now, boolean refreshTokenHeld, @Nullable HeldToken current, Runnable retry) {
		try {
			record(failure, now, refreshTokenHeld, current, retry);
		}
		catch (RuntimeException recordingFailure) {
			synchronized (this.lock) {
				this.holdBack = this.failures.unrecorded(failure, now);
			}
		}
	}

	/**
	 * Stop the background retry.
	 */
	void close() {
		this.backgroundRetry.dispose();
	}

	private void record(Throwable failure, Instant now, boolean refreshTokenHeld, @Nullable HeldToken current,
			Runnable retry) {
		HoldBack back;
		synchronized (this.lock) {
			HoldBack refused = this.failures.credentialsRefused(failure, now, refreshTokenHeld);
			if (refused != null) {
				this.holdBack = refused;
				back = null;
			}
			else {
				back = this.failures.outage(failure, now);
				this.holdBack = back;
			}
		}
		if (back == null) {
			if (logger.isDebugEnabled()) {
				logger.debug("Token request for " + this.name + " failed: " + TokenErrors.describe(failure));
			}
			return;
		}
		boolean retryInBackground = current != null && !current.rejected()
				&& back.until().isBefore(current.expiresAt());
		Duration retryIn = Duration.between(now, back.until());
		logger.warn("Token request for " + this.name + " failed (" + TokenErrors.describe(failure)
				+ "); next attempt in " + retryIn.toMillis() + " ms"
				+ (retryInBackground ? ", the current token stays in use meanwhile" : ""));
		if (retryInBackground) {
			this.backgroundRetry.update(Mono.delay(retryIn, this.scheduler).subscribe((tick) -> retry.run()));
		}
	}

}
