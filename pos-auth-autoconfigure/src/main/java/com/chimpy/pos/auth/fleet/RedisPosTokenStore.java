package com.chimpy.pos.auth.fleet;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import com.chimpy.pos.auth.token.PosTokenRenewal;
import com.chimpy.pos.auth.token.PosTokenStore;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.util.Assert;

/**
 * A {@link PosTokenStore} on Redis: every instance of a fleet that shares the Redis
 * server holds the same token per account, one instance renews it at a time, and the
 * credential guard and the outage backoff count for the fleet.
 * <p>
 * A renewal reads the fleet's token first: when it differs from the one this instance is
 * renewing and lives longer, it is taken. Otherwise the instance takes the account's lock
 * ({@code SET NX PX} with an owner id and a lease longer than a renewal's request
 * timeout), reads again, takes the fleet's credential guard state and refresh token, runs
 * the renewal here, and stores the new token, refresh token and guard state in the same
 * script that releases the lock, which only its owner can do. An instance that finds the
 * lock taken polls, on the given scheduler, until the token changes, the fleet records a
 * failure or the lock is free (at the latest when its lease ends); meanwhile the token
 * state keeps serving its still-valid token. A rejected token is replaced only while it
 * is the fleet's current one (compared by value). The 401 backoff is the fleet's too: a
 * token stored by a renewal that replaced a rejected one is protected, for a pause that
 * doubles while fresh tokens keep being rejected, from being replaced because of a 401 on
 * any instance; such a renewal answers with that token, and the caller gets the 401.
 * <p>
 * When Redis cannot be reached within the command timeout, a renewal is done with this
 * instance's own state (one WARN until Redis answers again); a refresh token that came
 * from the fleet is not used then, since another instance may be spending it. A call
 * never fails because of Redis. Nothing blocks the calling thread: connecting happens on
 * Reactor's bounded elastic scheduler.
 * <p>
 * Keys: {@code <prefix>:<account>:token} (the access token, its lifetime and the refresh
 * token, encrypted with a {@link TokenCipher} when one is given),
 * {@code <prefix>:<account>:guard}, {@code <prefix>:<account>:failure},
 * {@code <prefix>:<account>:unauthorized} (naming the protected token by a digest),
 * {@code <prefix>:<account>:lock} and the channel {@code <prefix>:<account>:reset}, where
 * the account is a digest that names no credential. The password and the client secret
 * are never stored.
 */
public final class RedisPosTokenStore implements PosTokenStore, Disposable {

	private final RedisTokenStoreSettings settings;

	private final SharedStateCodec codec;

	private final BoundedRedis redis;

	private final FleetCounters counters = new FleetCounters();

	private final FleetContext fleet;

	private final ResetChannel resets;

	private final String instanceId = UUID.randomUUID().toString();

	private final AtomicLong flights = new AtomicLong();

	private volatile boolean disposed;

	/**
	 * Create a store on the system clock and Reactor's parallel scheduler.
	 * @param redis the template over the application's reactive connection factory
	 * @param settings how to use Redis
	 * @param cipher what encrypts token values, or {@code null} to store them as they are
	 */
	public RedisPosTokenStore(ReactiveStringRedisTemplate redis, RedisTokenStoreSettings settings,
			@Nullable TokenCipher cipher) {
		this(redis, settings, cipher, Clock.systemUTC(), Schedulers.parallel());
	}

	/**
	 * Create a store.
	 * @param redis the template over the application's reactive connection factory
	 * @param settings how to use Redis
	 * @param cipher what encrypts token values, or {@code null} to store them as they are
	 * @param clock where the time comes from
	 * @param scheduler where polls and timeouts are scheduled
	 */
	public RedisPosTokenStore(ReactiveStringRedisTemplate redis, RedisTokenStoreSettings settings,
			@Nullable TokenCipher cipher, Clock clock, Scheduler scheduler) {
		Assert.notNull(redis, "redis must not be null");
		Assert.notNull(settings, "settings must not be null");
		Assert.notNull(clock, "clock must not be null");
		Assert.notNull(scheduler, "scheduler must not be null");
		this.settings = settings;
		this.codec = new SharedStateCodec(cipher);
		this.redis = new BoundedRedis(redis, settings.timeout(), scheduler);
		this.fleet = new FleetContext(this.redis, this.codec, new SharedStateReader(this.redis, this.codec), settings,
				clock, scheduler, new OutageBackoff(settings), new FleetUnauthorizedBackoff(settings),
				new LocalFallback(this.redis, this.counters), this.counters);
		this.resets = new ResetChannel(this.redis, this.codec, this.instanceId, scheduler, this::isDisposed);
	}

	@Override
	public Mono<OAuth2AuthorizedClient> renew(PosTokenRenewal renewal) {
		return Mono
			.defer(() -> new FleetRenewal(renewal, this.instanceId + ":" + this.flights.incrementAndGet(), this.fleet)
				.run());
	}

	@Override
	public Mono<Void> reset(PosTokenRenewal renewal) {
		return this.resets.publish(keys(renewal)).onErrorResume(RedisUnavailableException.class, (ex) -> {
			this.redis.fellBack(ex);
			return Mono.error(new IllegalStateException(
					"Redis is unavailable: the other instances keep their credential guard state", ex));
		});
	}

	@Override
	public Disposable attach(PosTokenRenewal renewal) {
		return this.resets.listen(keys(renewal), renewal);
	}

	@Override
	public Map<String, Object> getDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("type", "redis");
		details.put("fallenBackToLocal", this.redis.isFallenBack());
		details.put("encrypted", this.codec.isEncrypting());
		return details;
	}

	/**
	 * Whether the last use of Redis failed, so that renewals are done with this
	 * instance's own state until Redis answers again.
	 * @return whether the store has fallen back to local state
	 */
	public boolean isFallenBack() {
		return this.redis.isFallenBack();
	}

	/**
	 * Renewals this instance did for the fleet.
	 * @return the count since start-up
	 */
	public long getRenewalsHere() {
		return this.counters.renewalsHere();
	}

	/**
	 * Renewals that took a token another instance obtained.
	 * @return the count since start-up
	 */
	public long getRenewalsTakenFromFleet() {
		return this.counters.takenFromFleet();
	}

	/**
	 * Renewals that waited for another instance's renewal.
	 * @return the count since start-up
	 */
	public long getLockWaits() {
		return this.counters.lockWaits();
	}

	/**
	 * 401-driven renewals that renewed nothing because the rejected token had only just
	 * replaced another rejected one (the fleet's 401 backoff).
	 * @return the count since start-up
	 */
	public long getUnauthorizedHeldBack() {
		return this.counters.unauthorizedHeldBack();
	}

	/**
	 * Renewals done with this instance's own state because Redis was unavailable.
	 * @return the count since start-up
	 */
	public long getLocalFallbacks() {
		return this.counters.localFallbacks();
	}

	/**
	 * Stop retrying subscriptions; Spring calls it when the application context closes.
	 */
	@Override
	public void dispose() {
		this.disposed = true;
	}

	@Override
	public boolean isDisposed() {
		return this.disposed;
	}

	@Override
	public String toString() {
		return "RedisPosTokenStore{prefix='" + this.settings.prefix() + "', encrypted=" + this.codec.isEncrypting()
				+ ", fallenBackToLocal=" + this.redis.isFallenBack() + "}";
	}

	private FleetKeys keys(PosTokenRenewal renewal) {
		return new FleetKeys(this.settings.prefix(), renewal.key());
	}

}
