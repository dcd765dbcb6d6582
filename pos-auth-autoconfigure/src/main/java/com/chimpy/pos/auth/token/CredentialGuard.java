package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Keeps rejected resource-owner credentials away from the authorization server. Auth0
 * blocks a user after ten failed logins, so after the first rejection of the password
 * grant further attempts are spaced out exponentially, and after a configured number of
 * consecutive rejections (or at once on {@code too_many_attempts}) they stop until
 * {@link #reset()}.
 */
final class CredentialGuard {

	private static final Log logger = LogFactory.getLog(CredentialGuard.class);

	private final String registrationId;

	private final int maxRejections;

	private final Duration firstPause;

	private int rejections;

	private @Nullable Instant pausedUntil;

	private @Nullable OAuth2Error lastError;

	private boolean stopped;

	CredentialGuard(String registrationId, int maxRejections, Duration firstPause) {
		this.registrationId = registrationId;
		this.maxRejections = maxRejections;
		this.firstPause = firstPause;
	}

	/**
	 * The error to fail a password grant with instead of sending it, or {@code null} when
	 * it may be sent.
	 * @param now the current time
	 * @return the error to fail a password grant with instead of sending it, or
	 * {@code null} when it may be sent
	 */
	synchronized @Nullable ClientAuthorizationException refusal(Instant now) {
		return isRefusing(now) ? new ClientAuthorizationException(this.lastError, this.registrationId, refusalMessage())
				: null;
	}

	/**
	 * Whether password grants are held back at the given time.
	 * @param now the current time
	 * @return whether password grants are held back at the given time
	 */
	synchronized boolean isRefusing(Instant now) {
		return this.stopped || (this.pausedUntil != null && now.isBefore(this.pausedUntil));
	}

	/**
	 * Until when password grants are held back: {@link Instant#MAX} once stopped.
	 * @return until when password grants are held back: {@link Instant#MAX} once stopped
	 */
	synchronized Instant refusedUntil() {
		return this.stopped ? Instant.MAX : (this.pausedUntil != null) ? this.pausedUntil : Instant.EPOCH;
	}

	/**
	 * Why password grants are held back, for the error of a refused caller.
	 * @return why password grants are held back, for the error of a refused caller
	 */
	synchronized String refusalMessage() {
		if (this.stopped) {
			return "Token requests with the password grant have stopped after the authorization server rejected the "
					+ "credentials " + describe() + ". Correct pos.auth.username / pos.auth.password (or unblock "
					+ "the user), then restart the application or call PosTokenState.reset()";
		}
		return "The authorization server rejected the credentials " + describe()
				+ "; the next password grant is not sent before " + this.pausedUntil;
	}

	synchronized void rejected(OAuth2Error error, Instant now) {
		this.rejections++;
		this.lastError = error;
		if (PosTokenResponseClient.TOO_MANY_ATTEMPTS.equals(error.getErrorCode())
				|| this.rejections >= this.maxRejections) {
			if (!this.stopped) {
				logger.error("Stopped sending password grants for client registration '" + this.registrationId
						+ "' after the authorization server rejected the credentials " + describe()
						+ ". Correct pos.auth.username / pos.auth.password (or unblock the user), then restart the "
						+ "application or call PosTokenState.reset()");
			}
			this.stopped = true;
			return;
		}
		Duration pause = this.firstPause.multipliedBy(1L << Math.min(this.rejections - 1, 20));
		this.pausedUntil = now.plus(pause);
		logger.warn("The authorization server rejected the credentials of client registration '" + this.registrationId
				+ "' " + describe() + "; the next password grant waits " + pause.toMillis() + " ms");
	}

	synchronized void succeeded() {
		this.rejections = 0;
		this.pausedUntil = null;
		this.lastError = null;
	}

	synchronized void reset() {
		succeeded();
		this.stopped = false;
	}

	/**
	 * What this guard knows, for a store that shares it with other instances.
	 * @return the state
	 */
	synchronized CredentialGuardState state() {
		return new CredentialGuardState(this.rejections, this.pausedUntil, this.stopped, this.lastError);
	}

	/**
	 * Take what the guard of another instance knows, replacing what this one knew.
	 * @param state the state to take
	 */
	synchronized void adopt(CredentialGuardState state) {
		this.rejections = state.rejections();
		this.pausedUntil = state.pausedUntil();
		this.stopped = state.stopped();
		this.lastError = state.lastError();
	}

	synchronized boolean isStopped() {
		return this.stopped;
	}

	synchronized @Nullable OAuth2Error getLastError() {
		return this.lastError;
	}

	private String describe() {
		return this.rejections + " time(s) (" + ((this.lastError != null) ? this.lastError.getErrorCode() : "?") + ")";
	}

}
