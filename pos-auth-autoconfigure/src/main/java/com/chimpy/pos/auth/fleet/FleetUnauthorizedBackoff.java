package com.chimpy.pos.auth.fleet;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The fleet's 401 backoff: a token that a 401-driven renewal obtained is protected from
 * 401-driven replacement for a pause that doubles while fresh tokens keep being rejected;
 * a renewal for any other reason ends the backoff.
 */
final class FleetUnauthorizedBackoff {

	private final RedisTokenStoreSettings settings;

	FleetUnauthorizedBackoff(RedisTokenStoreSettings settings) {
		this.settings = settings;
	}

	/**
	 * The hold that protects a token which replaced a rejected one.
	 * @param previous the fleet's current hold, or {@code null}
	 * @param tokenValue the new access token's value
	 * @param now the current time
	 * @return the hold to store
	 */
	Hold next(@Nullable UnauthorizedHold previous, String tokenValue, Instant now) {
		int count = ((previous != null) ? previous.count() : 0) + 1;
		Duration pause = this.settings.unauthorizedBackoff().multipliedBy(1L << Math.min(count - 1, 20));
		if (pause.compareTo(this.settings.maxUnauthorizedBackoff()) > 0) {
			pause = this.settings.maxUnauthorizedBackoff();
		}
		UnauthorizedHold hold = new UnauthorizedHold(UnauthorizedHold.digest(tokenValue), count, now.plus(pause));
		return new Hold(hold, pause.plus(this.settings.maxUnauthorizedBackoff()));
	}

	/**
	 * A hold to store, with how long Redis keeps it: past its pause, so that the next
	 * one's pause can double.
	 *
	 * @param hold the hold
	 * @param timeToLive how long Redis keeps it
	 */
	record Hold(UnauthorizedHold hold, Duration timeToLive) {

	}

}
