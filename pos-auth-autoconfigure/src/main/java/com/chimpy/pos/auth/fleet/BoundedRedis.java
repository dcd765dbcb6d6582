package com.chimpy.pos.auth.fleet;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.ReactiveSubscription.Message;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Redis commands of the store, each bounded by the command timeout and failing with a
 * {@link RedisUnavailableException}, and whether the store has fallen back to local
 * state: one WARN when Redis fails, one when it answers again. Connecting (which Lettuce
 * may do blocking) happens on Reactor's bounded elastic scheduler, never on the calling
 * thread.
 */
final class BoundedRedis {

	private static final Log logger = LogFactory.getLog(RedisPosTokenStore.class);

	private final ReactiveStringRedisTemplate redis;

	private final Duration timeout;

	private final Scheduler scheduler;

	private final AtomicBoolean fallenBack = new AtomicBoolean();

	BoundedRedis(ReactiveStringRedisTemplate redis, Duration timeout, Scheduler scheduler) {
		this.redis = redis;
		this.timeout = timeout;
		this.scheduler = scheduler;
	}

	Mono<List<String>> multiGet(List<String> keys) {
		return command(this.redis.opsForValue().multiGet(keys));
	}

	Mono<Boolean> setIfAbsent(String key, String value, Duration timeToLive) {
		return command(this.redis.opsForValue().setIfAbsent(key, value, timeToLive));
	}

	Mono<Boolean> set(String key, String value) {
		return command(this.redis.opsForValue().set(key, value));
	}

	Mono<Long> delete(String key) {
		return command(this.redis.delete(key));
	}

	Mono<Long> execute(RedisScript<Long> script, List<String> keys, List<String> args) {
		return command(this.redis.execute(script, keys, args).next());
	}

	Mono<Long> publish(String channel, String message) {
		return command(this.redis.convertAndSend(channel, message));
	}

	/**
	 * The messages of a channel; subscribing connects, blocking, so it is done on the
	 * bounded elastic scheduler. Not bounded by the command timeout.
	 * @param channel the channel
	 * @return the messages
	 */
	Flux<? extends Message<String, String>> listen(String channel) {
		return Flux.defer(() -> this.redis.listenToChannel(channel)).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Whether the last use of Redis failed.
	 * @return whether the store has fallen back to local state
	 */
	boolean isFallenBack() {
		return this.fallenBack.get();
	}

	/**
	 * Record that Redis failed, with a WARN when it answered until now.
	 * @param ex what failed
	 */
	void fellBack(Throwable ex) {
		if (this.fallenBack.compareAndSet(false, true)) {
			logger.warn("Redis is unavailable (" + describe((ex.getCause() != null) ? ex.getCause() : ex)
					+ "): each instance renews its own token until it answers again");
		}
	}

	private <T> Mono<T> command(Mono<T> command) {
		return command.subscribeOn(Schedulers.boundedElastic())
			.timeout(this.timeout, this.scheduler)
			.onErrorMap((ex) -> !(ex instanceof RedisUnavailableException), RedisUnavailableException::new)
			.doOnSuccess((value) -> recovered());
	}

	private void recovered() {
		if (this.fallenBack.compareAndSet(true, false)) {
			logger.warn("Redis answers again: the token is shared with the fleet again");
		}
	}

	private static String describe(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return "no answer within the command timeout";
		}
		return ex.getClass().getSimpleName();
	}

}
