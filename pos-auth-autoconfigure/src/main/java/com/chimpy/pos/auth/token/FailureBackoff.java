package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * What a failed token request means for the next ones: held back by the
 * {@link CredentialGuard} after a rejection of the credentials, else by the outage
 * backoff (exponential, with jitter, never before the server's hint). Each failure yields
 * the {@link HoldBack} that answers the callers until the next attempt. Not thread-safe:
 * {@link RetrySchedule} calls it under its lock.
 */
final class FailureBackoff {

	private final RetryBackoff backoff;

	private final Duration firstPause;

	private final CredentialGuard guard;

	private final TokenErrors errors;

	private int failures;

	private @Nullable Throwable lastFailure;

	FailureBackoff(TokenRenewalSettings settings, CredentialGuard guard, TokenErrors errors) {
		this.backoff = new RetryBackoff(settings.retryBackoff(), settings.maxRetryBackoff());
		this.firstPause = settings.retryBackoff();
		this.guard = guard;
		this.errors = errors;
	}

	/**
	 * The hold of the credential guard, when it refuses password grants and no refresh
	 * token can stand in.
	 * @param failure the failure of the last attempt
	 * @param now the current time
	 * @param refreshTokenHeld whether the next renewal can use a refresh token
	 * @return the hold, or {@code null} when the guard does not hold requests back
	 */
	@Nullable HoldBack credentialsRefused(Throwable failure, Instant now, boolean refreshTokenHeld) {
		if (refreshTokenHeld || !this.guard.isRefusing(now)) {
			return null;
		}
		OAuth2Error error = this.guard.getLastError();
		return new HoldBack(this.guard.refusedUntil(), false,
				(error != null) ? error : new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED), this.guard.refusalMessage(),
				failure);
	}

	/**
	 * Count an outage, an unexpected answer or any other failure that says nothing about
	 * the credentials. Callers may wait for the next attempt after a transient failure;
	 * after any other they fail at once.
	 * @param failure the failure
	 * @param now the current time
	 * @return the hold until the next attempt
	 */
	HoldBack outage(Throwable failure, Instant now) {
		this.failures++;
		this.lastFailure = failure;
		Duration retryIn = this.backoff.delay(this.failures,
				(failure instanceof TokenEndpointException tee) ? tee.getRetryAfter() : null);
		Instant nextAttemptAt = now.plus(retryIn);
		if (TokenEndpointException.isTransient(failure)) {
			return new HoldBack(nextAttemptAt, true, this.errors.unavailableError(failure),
					this.errors.unavailableMessage(failure), failure);
		}
		return new HoldBack(nextAttemptAt, false, TokenErrors.error(failure),
				TokenErrors.describe(failure) + "; the next token request is not sent before " + nextAttemptAt,
				failure);
	}

	/**
	 * The hold after a failure that could not even be recorded: the first pause, touching
	 * nothing of the failure (reading it may be what failed).
	 * @param failure the failure
	 * @param now the current time
	 * @return the hold after the unrecorded failure
	 */
	HoldBack unrecorded(Throwable failure, Instant now) {
		return new HoldBack(now.plus(this.firstPause), true, new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE),
				"The token request failed", failure);
	}

	void succeeded() {
		this.failures = 0;
		this.lastFailure = null;
	}

	@Nullable Throwable lastFailure() {
		return this.lastFailure;
	}

}
