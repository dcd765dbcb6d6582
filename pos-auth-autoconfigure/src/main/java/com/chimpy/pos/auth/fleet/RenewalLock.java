package com.chimpy.pos.auth.fleet;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.CredentialGuardState;

/**
 * The renewal lock of one account as one renewal holds it: taken with {@code SET NX PX}
 * and an owner id, released by a script that only its owner can run, either alone or
 * storing the renewal's outcome at the same time. A failure to store or release is
 * recorded as Redis being unavailable and otherwise ignored: the lease ends the lock.
 */
final class RenewalLock {

	private final BoundedRedis redis;

	private final SharedStateCodec codec;

	private final FleetKeys keys;

	private final String owner;

	private final Duration lease;

	RenewalLock(BoundedRedis redis, SharedStateCodec codec, FleetKeys keys, String owner, Duration lease) {
		this.redis = redis;
		this.codec = codec;
		this.keys = keys;
		this.owner = owner;
		this.lease = lease;
	}

	String owner() {
		return this.owner;
	}

	/**
	 * Take the lock if it is free.
	 * @return whether it was taken
	 */
	Mono<Boolean> acquire() {
		return this.redis.setIfAbsent(this.keys.lock(), this.owner, this.lease);
	}

	/**
	 * Store a new token, clear the guard state and the failure, set or end the 401
	 * backoff, and release the lock.
	 * @param token the new token, or {@code null} to leave the fleet's
	 * @param hold the 401 backoff to set, or {@code null} to end it
	 * @return completion
	 */
	Mono<Void> storeSuccess(@Nullable SharedToken token, FleetUnauthorizedBackoff.@Nullable Hold hold) {
		String unauthorized = (hold != null) ? this.codec.encodeUnauthorized(hold.hold())
				: FleetScripts.DELETE_UNAUTHORIZED;
		Duration unauthorizedTtl = (hold != null) ? hold.timeToLive() : Duration.ZERO;
		return store(token, CredentialGuardState.CLEAR, FleetScripts.DELETE_FAILURE, Duration.ZERO, unauthorized,
				unauthorizedTtl);
	}

	/**
	 * Store the token and guard state a failed renewal leaves, start or continue the
	 * fleet's outage backoff, and release the lock.
	 * @param token the token to keep, or {@code null} to leave the fleet's
	 * @param guard the guard state
	 * @param failure the failure to record, or {@code null} to leave the fleet's
	 * @return completion
	 */
	Mono<Void> storeFailure(@Nullable SharedToken token, CredentialGuardState guard,
			OutageBackoff.@Nullable Recorded failure) {
		String value = (failure != null) ? this.codec.encodeFailure(failure.failure()) : FleetScripts.KEEP_FAILURE;
		Duration ttl = (failure != null) ? failure.timeToLive() : Duration.ZERO;
		return store(token, guard, value, ttl, FleetScripts.KEEP_UNAUTHORIZED, Duration.ZERO);
	}

	/**
	 * Store the token and guard state a cancelled renewal leaves and release the lock.
	 * @param token the token to keep, or {@code null} to leave the fleet's
	 * @param guard the guard state
	 * @return completion
	 */
	Mono<Void> storeCancelled(@Nullable SharedToken token, CredentialGuardState guard) {
		return store(token, guard, FleetScripts.KEEP_FAILURE, Duration.ZERO, FleetScripts.KEEP_UNAUTHORIZED,
				Duration.ZERO);
	}

	/**
	 * Release the lock, storing nothing.
	 * @return completion
	 */
	Mono<Void> release() {
		return this.redis.execute(FleetScripts.RELEASE, List.of(this.keys.lock()), List.of(this.owner))
			.then()
			.onErrorResume((ex) -> {
				this.redis.fellBack(ex);
				return Mono.empty();
			});
	}

	private Mono<Void> store(@Nullable SharedToken token, CredentialGuardState guard, String failure,
			Duration failureTtl, String unauthorized, Duration unauthorizedTtl) {
		List<String> args = Arrays.asList(this.owner,
				(token != null) ? this.codec.encodeToken(token, this.keys.token()) : FleetScripts.LEAVE,
				this.codec.encodeGuard(guard), failure, Long.toString(Math.max(1, failureTtl.toMillis())), unauthorized,
				Long.toString(Math.max(1, unauthorizedTtl.toMillis())));
		return this.redis.execute(FleetScripts.STORE_AND_RELEASE, this.keys.all(), args).then().onErrorResume((ex) -> {
			this.redis.fellBack(ex);
			return Mono.empty();
		});
	}

}
