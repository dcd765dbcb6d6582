package com.chimpy.pos.auth.fleet;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.token.TokenEndpointException;

import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * The fleet's outage backoff: the failure a renewal records after a token request that
 * may have reached the server failed (not because of the credentials), and the error
 * every instance answers with, without sending a request, while that failure holds.
 */
final class OutageBackoff {

	private final RedisTokenStoreSettings settings;

	OutageBackoff(RedisTokenStoreSettings settings) {
		this.settings = settings;
	}

	/**
	 * The failure to record after a renewal failed, or {@code null} when the failure does
	 * not start the fleet's backoff: only a request that may have reached the server
	 * does; one that never left (refused, or this instance shutting down) costs the
	 * server nothing, and each instance backs off on its own anyway.
	 * @param ex why the renewal failed
	 * @param previous the fleet's last failure, or {@code null}
	 * @param owner the owner of the renewal lock
	 * @param now the current time
	 * @return the failure to record, or {@code null}
	 */
	@Nullable Recorded next(Throwable ex, @Nullable FleetFailure previous, String owner, Instant now) {
		if (!(ex instanceof TokenEndpointException tee) || !tee.isRequestSent()
				|| TokenEndpointException.isCredentialRejection(ex)) {
			return null;
		}
		int count = ((previous != null) ? previous.count() : 0) + 1;
		Duration pause = pause(count, tee.getRetryAfter());
		FleetFailure next = new FleetFailure(owner + ":" + count, count, now.plus(pause), tee.getKind().name(),
				tee.getError().getErrorCode(), tee.getError().getDescription(), tee.isTransient(), tee.getStatusCode());
		return new Recorded(next, this.settings.maxRetryBackoff().plus(pause).plus(Duration.ofMinutes(1)));
	}

	/**
	 * The error of a failure the fleet is backing off from, or {@code null}.
	 * @param failure the fleet's last failure, or {@code null}
	 * @param name the name of the renewal
	 * @param now the current time
	 * @return the error, or {@code null}
	 */
	static @Nullable TokenEndpointException error(@Nullable FleetFailure failure, String name, Instant now) {
		if (failure == null || !failure.holds(now)) {
			return null;
		}
		TokenEndpointException.Kind kind;
		try {
			kind = TokenEndpointException.Kind.valueOf(failure.kind());
		}
		catch (IllegalArgumentException ex) {
			kind = TokenEndpointException.Kind.UNAVAILABLE;
		}
		return new TokenEndpointException(new OAuth2Error(failure.code(), failure.description(), null), name,
				"The token endpoint failed for the fleet (" + failure.code()
						+ "); no instance sends a token request before " + failure.until(),
				kind, failure.transientFailure(), false, failure.status(), Duration.between(now, failure.until()),
				null);
	}

	private Duration pause(int count, @Nullable Duration retryAfter) {
		long base = this.settings.retryBackoff().toMillis() << Math.min(Math.max(count - 1, 0), 20);
		// The lower bound of the jitter each instance adds to its own pause: the
		// instance that failed is not held back by the fleet longer than by itself.
		long pause = Math.round(Math.min(base, this.settings.maxRetryBackoff().toMillis()) * 0.8);
		Duration fleetPause = Duration.ofMillis(pause);
		return (retryAfter != null && retryAfter.compareTo(fleetPause) > 0
				&& retryAfter.compareTo(Duration.ofHours(1)) <= 0) ? retryAfter : fleetPause;
	}

	/**
	 * A failure to record, with how long Redis keeps it: past its pause, so that the next
	 * failure's pause can double.
	 *
	 * @param failure the failure
	 * @param timeToLive how long Redis keeps it
	 */
	record Recorded(FleetFailure failure, Duration timeToLive) {

	}

}
