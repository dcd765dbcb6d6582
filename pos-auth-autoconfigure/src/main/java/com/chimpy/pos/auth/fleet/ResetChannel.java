package com.chimpy.pos.auth.fleet;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

import com.chimpy.pos.auth.token.CredentialGuardState;
import com.chimpy.pos.auth.token.PosTokenRenewal;

/**
 * Resets of the credential guard across the fleet: a reset clears the fleet's guard state
 * and failure and is published on the account's channel, and every other instance that
 * listens resets its own state. Messages carry the instance id only, so that an instance
 * ignores its own.
 */
final class ResetChannel {

	private static final Log logger = LogFactory.getLog(RedisPosTokenStore.class);

	private final BoundedRedis redis;

	private final SharedStateCodec codec;

	private final String instanceId;

	private final Scheduler scheduler;

	private final BooleanSupplier stopped;

	ResetChannel(BoundedRedis redis, SharedStateCodec codec, String instanceId, Scheduler scheduler,
			BooleanSupplier stopped) {
		this.redis = redis;
		this.codec = codec;
		this.instanceId = instanceId;
		this.scheduler = scheduler;
		this.stopped = stopped;
	}

	/**
	 * Clear the fleet's guard state and failure and tell the other instances.
	 * @param keys the account's keys
	 * @return completion, or a {@link RedisUnavailableException}
	 */
	Mono<Void> publish(FleetKeys keys) {
		return this.redis.set(keys.guard(), this.codec.encodeGuard(CredentialGuardState.CLEAR))
			.then(this.redis.delete(keys.failure()))
			.then(this.redis.publish(keys.channel(), this.instanceId))
			.then();
	}

	/**
	 * Reset the renewal here whenever another instance resets it. Connecting fails while
	 * Redis is down, so it is retried (until the store is stopped) and an application
	 * starts without Redis.
	 * @param keys the account's keys
	 * @param renewal the renewal to reset
	 * @return what stops listening
	 */
	Disposable listen(FleetKeys keys, PosTokenRenewal renewal) {
		return this.redis.listen(keys.channel())
			.filter((message) -> !this.instanceId.equals(message.getMessage()))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
				.maxBackoff(Duration.ofSeconds(30))
				.scheduler(this.scheduler)
				.filter((ex) -> !this.stopped.getAsBoolean()))
			.subscribe((message) -> {
				logger.info("The credential guard of '" + renewal.name() + "' was reset on another instance");
				renewal.resetHere();
			}, (ex) -> logger.debug("Stopped listening for resets of '" + renewal.name() + "'", ex));
	}

}
