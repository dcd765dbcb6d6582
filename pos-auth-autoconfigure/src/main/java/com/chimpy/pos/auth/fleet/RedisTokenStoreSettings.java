package com.chimpy.pos.auth.fleet;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How a {@link RedisPosTokenStore} uses Redis.
 *
 * @param prefix the prefix of every key, followed by {@code :} and the account's key
 * @param timeout the longest time one Redis command may take before the instance falls
 * back to its own state
 * @param lockLease how long a renewal lock lives when its owner never releases it; longer
 * than the request timeout of a renewal
 * @param pollInterval how often an instance waiting for another one's renewal looks for
 * its result
 * @param retryBackoff the pause after the fleet's first transient failure of the token
 * endpoint, doubling with each further one
 * @param maxRetryBackoff the longest such pause
 * @param unauthorizedBackoff how long a token that replaced one the resource server
 * rejected is protected, fleet-wide, from being replaced because of a 401, doubling with
 * each further such replacement
 * @param maxUnauthorizedBackoff the longest such protection
 */
public record RedisTokenStoreSettings(String prefix, Duration timeout, Duration lockLease, Duration pollInterval,
		Duration retryBackoff, Duration maxRetryBackoff, Duration unauthorizedBackoff,
		Duration maxUnauthorizedBackoff) {

	/**
	 * Settings with the default 401 backoff (10 s, doubling up to 5 min).
	 * @param prefix the key prefix
	 * @param timeout the command timeout
	 * @param lockLease the lock lease
	 * @param pollInterval the poll interval
	 * @param retryBackoff the first outage pause
	 * @param maxRetryBackoff the longest outage pause
	 */
	public RedisTokenStoreSettings(String prefix, Duration timeout, Duration lockLease, Duration pollInterval,
			Duration retryBackoff, Duration maxRetryBackoff) {
		this(prefix, timeout, lockLease, pollInterval, retryBackoff, maxRetryBackoff, Duration.ofSeconds(10),
				Duration.ofMinutes(5));
	}

	/**
	 * Check the settings.
	 * @param prefix the key prefix
	 * @param timeout the command timeout
	 * @param lockLease the lock lease
	 * @param pollInterval the poll interval
	 * @param retryBackoff the first outage pause
	 * @param maxRetryBackoff the longest outage pause
	 * @param unauthorizedBackoff the first 401 pause
	 * @param maxUnauthorizedBackoff the longest 401 pause
	 */
	public RedisTokenStoreSettings {
		Assert.hasText(prefix, "prefix must not be empty");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		Assert.isTrue(!lockLease.isNegative() && !lockLease.isZero(), "lockLease must be positive");
		Assert.isTrue(!pollInterval.isNegative() && !pollInterval.isZero(), "pollInterval must be positive");
		Assert.isTrue(!retryBackoff.isNegative(), "retryBackoff must not be negative");
		Assert.isTrue(!maxRetryBackoff.isNegative(), "maxRetryBackoff must not be negative");
		Assert.isTrue(!unauthorizedBackoff.isNegative(), "unauthorizedBackoff must not be negative");
		Assert.isTrue(maxUnauthorizedBackoff.compareTo(unauthorizedBackoff) >= 0,
				"maxUnauthorizedBackoff must not be shorter than unauthorizedBackoff");
	}

}
