package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Exponential backoff with jitter for transient token endpoint failures, never shorter
 * than the server's {@code Retry-After}.
 */
final class RetryBackoff {

	private static final double JITTER = 0.2;

	private final Duration initial;

	private final Duration max;

	RetryBackoff(Duration initial, Duration max) {
		this.initial = initial;
		this.max = max;
	}

	/**
	 * The pause before the next attempt.
	 * @param failures consecutive transient failures so far, at least 1
	 * @param retryAfter the delay the server asked for, if any
	 * @return the pause
	 */
	Duration delay(int failures, @Nullable Duration retryAfter) {
		long base = this.initial.toMillis() << Math.min(Math.max(failures - 1, 0), 20);
		long capped = Math.min(base, this.max.toMillis());
		double factor = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
		Duration delay = Duration.ofMillis(Math.max(1, Math.round(capped * factor)));
		// A server's hint beyond any sensible horizon is ignored rather than trusted.
		if (retryAfter != null && retryAfter.compareTo(delay) > 0 && retryAfter.compareTo(RetryHint.MAX) <= 0) {
			return retryAfter;
		}
		return delay;
	}

}
