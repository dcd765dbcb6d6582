package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;

import org.springframework.util.Assert;

/**
 * When tokens are renewed and how failures are retried: the tunables of a
 * {@link PosTokenState}.
 *
 * @param refreshAhead how long before expiry a background renewal starts while the token
 * is still served; capped at half the token's lifetime
 * @param expiryMargin how long before expiry callers stop using the token and wait for
 * its renewal; capped at a tenth of the token's lifetime
 * @param maxWait the longest a caller without a usable token waits for one before it gets
 * an error
 * @param requestTimeout the longest one renewal (including a fallback from refresh token
 * to password) may take before it counts as failed
 * @param retryBackoff the pause after the first transient failure of the token endpoint;
 * doubles with each further failure, with jitter, and is never shorter than the server's
 * {@code Retry-After}
 * @param maxRetryBackoff the longest pause between retries after transient failures
 * @param rejectionBackoff the pause after the first rejection of the password grant;
 * doubles with each further rejection
 * @param maxCredentialRejections how many consecutive rejections of the password grant
 * stop all further attempts
 * @param unauthorizedBackoff how long a token that replaced one the resource server
 * rejected with 401 is protected from being replaced again because of a 401; doubles
 * while fresh tokens keep being rejected
 * @param maxUnauthorizedBackoff the longest such protection
 */
public record TokenRenewalSettings(Duration refreshAhead, Duration expiryMargin, Duration maxWait,
		Duration requestTimeout, Duration retryBackoff, Duration maxRetryBackoff, Duration rejectionBackoff,
		int maxCredentialRejections, Duration unauthorizedBackoff, Duration maxUnauthorizedBackoff) {

	/**
	 * The default protection of a token that replaced a rejected one: 10 seconds.
	 */
	public static final Duration DEFAULT_UNAUTHORIZED_BACKOFF = Duration.ofSeconds(10);

	/**
	 * The default longest protection of a token that replaced a rejected one: 5 minutes.
	 */
	public static final Duration DEFAULT_MAX_UNAUTHORIZED_BACKOFF = Duration.ofMinutes(5);

	/**
	 * Check the settings.
	 */
	public TokenRenewalSettings {
		requirePositive(refreshAhead, "refreshAhead");
		requirePositive(expiryMargin, "expiryMargin");
		requirePositive(maxWait, "maxWait");
		requirePositive(requestTimeout, "requestTimeout");
		requirePositive(retryBackoff, "retryBackoff");
		requirePositive(maxRetryBackoff, "maxRetryBackoff");
		requirePositive(rejectionBackoff, "rejectionBackoff");
		Assert.isTrue(refreshAhead.compareTo(expiryMargin) >= 0, "refreshAhead must not be shorter than expiryMargin");
		Assert.isTrue(maxRetryBackoff.compareTo(retryBackoff) >= 0,
				"maxRetryBackoff must not be shorter than retryBackoff");
		Assert.isTrue(maxCredentialRejections >= 1, "maxCredentialRejections must be at least 1");
		requirePositive(unauthorizedBackoff, "unauthorizedBackoff");
		requirePositive(maxUnauthorizedBackoff, "maxUnauthorizedBackoff");
		Assert.isTrue(maxUnauthorizedBackoff.compareTo(unauthorizedBackoff) >= 0,
				"maxUnauthorizedBackoff must not be shorter than unauthorizedBackoff");
	}

	/**
	 * Settings with the default protection of tokens that replaced rejected ones.
	 * @param refreshAhead see {@link #refreshAhead()}
	 * @param expiryMargin see {@link #expiryMargin()}
	 * @param maxWait see {@link #maxWait()}
	 * @param requestTimeout see {@link #requestTimeout()}
	 * @param retryBackoff see {@link #retryBackoff()}
	 * @param maxRetryBackoff see {@link #maxRetryBackoff()}
	 * @param rejectionBackoff see {@link #rejectionBackoff()}
	 * @param maxCredentialRejections see {@link #maxCredentialRejections()}
	 */
	public TokenRenewalSettings(Duration refreshAhead, Duration expiryMargin, Duration maxWait, Duration requestTimeout,
			Duration retryBackoff, Duration maxRetryBackoff, Duration rejectionBackoff, int maxCredentialRejections) {
		this(refreshAhead, expiryMargin, maxWait, requestTimeout, retryBackoff, maxRetryBackoff, rejectionBackoff,
				maxCredentialRejections, DEFAULT_UNAUTHORIZED_BACKOFF, DEFAULT_MAX_UNAUTHORIZED_BACKOFF);
	}

	/**
	 * The defaults: refresh 5 minutes ahead, wait from 30 seconds before expiry, wait at
	 * most 30 seconds, 20 seconds per renewal, retry after 1 second doubling up to 2
	 * minutes, pause a minute after a rejected password and stop after 3 rejections,
	 * protect a token that replaced a rejected one for 10 seconds doubling up to 5
	 * minutes.
	 * @return the default settings
	 */
	public static TokenRenewalSettings defaults() {
		return new TokenRenewalSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
				Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofMinutes(1), 3);
	}

	/**
	 * The point from which a token is renewed in the background while still being served.
	 * @param issuedAt when the token was issued
	 * @param expiresAt when the token expires
	 * @return the refresh-ahead point
	 */
	public Instant refreshAheadPoint(Instant issuedAt, Instant expiresAt) {
		return expiresAt.minus(min(this.refreshAhead, Duration.between(issuedAt, expiresAt).dividedBy(2)));
	}

	/**
	 * The point from which callers wait for a renewal instead of using the token.
	 * @param issuedAt when the token was issued
	 * @param expiresAt when the token expires
	 * @return the hard point
	 */
	public Instant hardPoint(Instant issuedAt, Instant expiresAt) {
		return expiresAt.minus(min(this.expiryMargin, Duration.between(issuedAt, expiresAt).dividedBy(10)));
	}

	/**
	 * The longest a blocking caller waits for a token: a safety net a second above the
	 * longest a token can take ({@link #maxWait()} plus one {@link #requestTimeout()}).
	 * @return the limit for blocking callers
	 */
	public Duration maxBlock() {
		return this.maxWait.plus(this.requestTimeout).plusSeconds(1);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static void requirePositive(Duration value, String name) {
		Assert.notNull(value, () -> name + " must not be null");
		Assert.isTrue(!value.isNegative() && !value.isZero(), () -> name + " must be positive");
	}

}
