package com.chimpy.pos.auth.fleet;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts of the renewal lock, and the argument values that tell the
 * store-and-release script to leave, keep or delete a key.
 */
final class FleetScripts {

	/**
	 * Deletes the lock (KEYS[1]) when its owner is ARGV[1].
	 */
	static final RedisScript<Long> RELEASE = RedisScript
		.of("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", Long.class);

	/**
	 * Stores a renewal's outcome and releases the lock, when its owner is ARGV[1].
	 * <p>
	 * KEYS: token, guard, failure, lock, unauthorized. ARGV: owner, token ('' leaves it),
	 * guard ('' leaves it), failure ('' deletes it, '=' leaves it), the failure's time to
	 * live in ms, the 401 backoff ('' deletes it, '=' leaves it), its time to live in ms.
	 */
	static final RedisScript<Long> STORE_AND_RELEASE = RedisScript.of("""
			if redis.call('get', KEYS[4]) ~= ARGV[1] then return 0 end
			if ARGV[2] ~= '' then redis.call('set', KEYS[1], ARGV[2]) end
			if ARGV[3] ~= '' then redis.call('set', KEYS[2], ARGV[3]) end
			if ARGV[4] == '' then redis.call('del', KEYS[3])
			elseif ARGV[4] ~= '=' then redis.call('set', KEYS[3], ARGV[4], 'px', ARGV[5]) end
			if ARGV[6] == '' then redis.call('del', KEYS[5])
			elseif ARGV[6] ~= '=' then redis.call('set', KEYS[5], ARGV[6], 'px', ARGV[7]) end
			redis.call('del', KEYS[4])
			return 1
			""", Long.class);

	/**
	 * Leaves the token as it is.
	 */
	static final String LEAVE = "";

	/**
	 * Leaves the failure as it is.
	 */
	static final String KEEP_FAILURE = "=";

	/**
	 * Deletes the failure.
	 */
	static final String DELETE_FAILURE = "";

	/**
	 * Leaves the 401 backoff as it is.
	 */
	static final String KEEP_UNAUTHORIZED = "=";

	/**
	 * Deletes the 401 backoff.
	 */
	static final String DELETE_UNAUTHORIZED = "";

	private FleetScripts() {
	}

}
