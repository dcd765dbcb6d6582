package com.chimpy.pos.auth.fleet;

/**
 * Redis did not answer in time or failed: the renewal is done locally.
 */
final class RedisUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	RedisUnavailableException(Throwable cause) {
		super("Redis is unavailable", cause, false, false);
	}

}
