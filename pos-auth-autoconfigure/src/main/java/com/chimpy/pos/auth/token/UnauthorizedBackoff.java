package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps an API that rejects even fresh tokens from turning every call into a token
 * request. After a 401 has replaced a token, the replacement is not replaced again
 * because of a 401 until a pause has passed; the pause doubles (up to a maximum) while
 * fresh tokens keep being rejected, and ends as soon as a request with the current token
 * is accepted. Meanwhile callers get the API's 401.
 * <p>
 * {@link #isHoldingBack(Instant)} and {@link #heldBack()} (after its one warning) are
 * reads of volatile fields, for the per-call path; the others synchronize on this object.
 */
final class UnauthorizedBackoff {

	private static final Log logger = LogFactory.getLog(UnauthorizedBackoff.class);

	private final String registrationId;

	private final Duration initial;

	private final Duration max;

	private volatile Instant holdUntil = Instant.EPOCH;

	private volatile int replacements;

	private volatile boolean warned;

	UnauthorizedBackoff(String registrationId, Duration initial, Duration max) {
		this.registrationId = registrationId;
		this.initial = initial;
		this.max = max;
	}

	/**
	 * Whether a 401 must not replace the current token at the given time.
	 * @param now the current time
	 * @return whether a 401 must not replace the current token at the given time
	 */
	boolean isHoldingBack(Instant now) {
		return now.isBefore(this.holdUntil);
	}

	/**
	 * A 401 replaces the current token now: the token that replaces it is protected for
	 * the next pause.
	 * @param now the current time
	 */
	synchronized void replacing(Instant now) {
		int count = this.replacements + 1;
		this.replacements = count;
		Duration pause = this.initial.multipliedBy(1L << Math.min(count - 1, 20));
		this.holdUntil = now.plus((pause.compareTo(this.max) <= 0) ? pause : this.max);
	}

	/**
	 * A 401 found the current token protected: the caller gets the 401. Says so once in
	 * the log.
	 */
	void heldBack() {
		if (this.warned) {
			return;
		}
		synchronized (this) {
			if (this.warned) {
				return;
			}
			this.warned = true;
			logger.warn("The PoS API rejected a freshly issued token of client registration '" + this.registrationId
					+ "' with 401. Callers get the 401 until " + this.holdUntil + ", when one more token is fetched "
					+ "(the pause doubles while fresh tokens keep being rejected). Usual causes: the token's audience "
					+ "(pos.auth.audience) is not the one the API expects, the clocks of the API and the authorization "
					+ "server disagree, or the API has not picked up a rotation of the authorization server's signing "
					+ "keys");
		}
	}

	/**
	 * A request with the current token was accepted: the API takes fresh tokens again.
	 * @return whether anything changed
	 */
	synchronized boolean accepted() {
		if (this.replacements == 0) {
			return false;
		}
		this.replacements = 0;
		this.holdUntil = Instant.EPOCH;
		this.warned = false;
		return true;
	}

	/**
	 * Whether a replacement pause has been engaged since the last accepted replay (a
	 * cheap read).
	 * @return whether a replacement pause has been engaged since the last accepted replay
	 * (a cheap read)
	 */
	boolean isEngaged() {
		return this.replacements != 0;
	}

}
