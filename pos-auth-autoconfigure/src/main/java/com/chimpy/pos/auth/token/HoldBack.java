package com.chimpy.pos.auth.token;

import java.time.Instant;

import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Token requests held back until a point in time, after a failure. Callers without a
 * usable token either wait for that point ({@code waitable}: an outage that may end) or
 * fail at once with a copy of the prepared error.
 *
 * @param until when the next token request may be sent
 * @param waitable whether callers whose deadline lies beyond {@code until} should wait
 * for it
 * @param oauth2Error the error of a refused caller
 * @param message the message of a refused caller
 * @param cause the failure that holds requests back
 */
record HoldBack(Instant until, boolean waitable, OAuth2Error oauth2Error, String message, Throwable cause) {

	boolean holds(Instant now) {
		return now.isBefore(this.until);
	}

	/**
	 * The error of one refused caller: its own cheap copy (see
	 * {@link HeldBackException}).
	 */
	TokenEndpointException error(String registrationId) {
		return new HeldBackException(this.oauth2Error, registrationId, this.message, this.cause);
	}

}
