package com.chimpy.pos.auth.fleet;

import java.util.List;

/**
 * The Redis keys and the reset channel of one account, each
 * {@code <prefix>:<account>:<name>}.
 *
 * @param token the key of the token
 * @param guard the key of the credential guard state
 * @param failure the key of the last failure
 * @param lock the key of the renewal lock
 * @param unauthorized the key of the 401 backoff
 * @param channel the channel of resets
 */
record FleetKeys(String token, String guard, String failure, String lock, String unauthorized, String channel) {

	FleetKeys(String prefix, String account) {
		this(prefix + ":" + account + ":token", prefix + ":" + account + ":guard", prefix + ":" + account + ":failure",
				prefix + ":" + account + ":lock", prefix + ":" + account + ":unauthorized",
				prefix + ":" + account + ":reset");
	}

	/**
	 * The keys the store-and-release script takes, in its order.
	 * @return the token, guard, failure, lock and unauthorized keys
	 */
	List<String> all() {
		return List.of(this.token, this.guard, this.failure, this.lock, this.unauthorized);
	}

}
