package com.chimpy.pos.auth.fleet;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The last failure of the token endpoint that was not a rejection of the credentials, as
 * the instance that saw it shared it: until {@code until}, no instance of the fleet sends
 * another token request (the fleet-wide outage backoff). It outlives that pause so that
 * the next failure's pause can double; a token clears it.
 *
 * @param id what tells one failure from the next
 * @param count consecutive failures of the fleet
 * @param until when the next token request may be sent
 * @param kind the kind of failure (a {@code TokenEndpointException.Kind} name)
 * @param code the OAuth2 error code
 * @param description the OAuth2 error description, or {@code null}
 * @param transientFailure whether the failure is worth retrying later
 * @param status the HTTP status of the token response, or 0
 */
record FleetFailure(String id, int count, Instant until, String kind, String code, @Nullable String description,
		boolean transientFailure, int status) {

	boolean holds(Instant now) {
		return now.isBefore(this.until);
	}

}
