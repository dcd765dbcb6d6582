package com.chimpy.pos.auth.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import com.chimpy.pos.auth.token.CredentialGuardState;
import com.chimpy.pos.auth.token.PosTokenRenewal;
import com.chimpy.pos.auth.token.PosTokenStore;
import com.chimpy.pos.auth.token.TokenEndpointException;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
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

	private static final Log logger = LogFactory.getLog(RedisPosTokenStore.class);

	private static final RedisScript<Long> RELEASE = RedisScript
		.of("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", Long.class);

	// KEYS: token, guard, failure, lock, unauthorized. ARGV: owner, token ('' leaves it),
	// guard ('' leaves it), failure ('' deletes it, '=' leaves it), the failure's time to
	// live in ms, the 401 backoff ('' deletes it, '=' leaves it), its time to live in ms.
	private static final RedisScript<Long> STORE_AND_RELEASE = RedisScript.of("""
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

	private static final String LEAVE = "";

	private static final String KEEP_FAILURE = "=";

	private static final String DELETE_FAILURE = "";

	private static final String KEEP_UNAUTHORIZED = "=";

	private static final String DELETE_UNAUTHORIZED = "";

	private final ReactiveStringRedisTemplate redis;

	private final RedisTokenStoreSettings settings;

	private final SharedStateCodec codec;

	private final Clock clock;

	private final Scheduler scheduler;

	private final String instanceId = UUID.randomUUID().toString();

	private final AtomicLong flights = new AtomicLong();

	private final AtomicBoolean fallenBack = new AtomicBoolean();

	// The refresh token value this instance last saw in Redis, per account: a fallback
	// never sends it (another instance may be spending it).
	private final Map<String, String> sharedRefreshTokens = new ConcurrentHashMap<>();

	private final LongAdder renewedHere = new LongAdder();

	private final LongAdder takenFromFleet = new LongAdder();

	private final LongAdder lockWaits = new LongAdder();

	private final LongAdder localFallbacks = new LongAdder();

	private final LongAdder unauthorizedHeldBack = new LongAdder();

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
		this.redis = redis;
		this.settings = settings;
		this.codec = new SharedStateCodec(cipher);
		this.clock = clock;
		this.scheduler = scheduler;
	}

	@Override
	public Mono<OAuth2AuthorizedClient> renew(PosTokenRenewal renewal) {
		return Mono.defer(() -> new Flight(renewal).run());
	}

	@Override
	public Mono<Void> reset(PosTokenRenewal renewal) {
		Keys keys = new Keys(this.settings.prefix(), renewal.key());
		Mono<Void> reset = command(
				this.redis.opsForValue().set(keys.guard(), this.codec.encodeGuard(CredentialGuardState.CLEAR)))
			.then(command(this.redis.delete(keys.failure())))
			.then(command(this.redis.convertAndSend(keys.channel(), this.instanceId)))
			.then();
		return reset.onErrorResume(RedisUnavailableException.class, (ex) -> {
			fellBack(ex);
			return Mono.error(new IllegalStateException(
					"Redis is unavailable: the other instances keep their credential guard state", ex));
		});
	}

	@Override
	public Disposable attach(PosTokenRenewal renewal) {
		Keys keys = new Keys(this.settings.prefix(), renewal.key());
		// Subscribing connects (blocking, and failing while Redis is down): deferred to
		// the bounded elastic scheduler and retried, so that an application starts
		// without Redis.
		return Flux.defer(() -> this.redis.listenToChannel(keys.channel()))
			.subscribeOn(Schedulers.boundedElastic())
			.filter((message) -> !this.instanceId.equals(message.getMessage()))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
				.maxBackoff(Duration.ofSeconds(30))
				.scheduler(this.scheduler)
				.filter((ex) -> !this.disposed))
			.subscribe((message) -> {
				logger.info("The credential guard of '" + renewal.name() + "' was reset on another instance");
				renewal.resetHere();
			}, (ex) -> logger.debug("Stopped listening for resets of '" + renewal.name() + "'", ex));
	}

	@Override
	public Map<String, Object> getDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("type", "redis");
		details.put("fallenBackToLocal", this.fallenBack.get());
		details.put("encrypted", this.codec.isEncrypting());
		return details;
	}

	/**
	 * Whether the last use of Redis failed, so that renewals are done with this
	 * instance's own state until Redis answers again.
	 * @return whether the store has fallen back to local state
	 */
	public boolean isFallenBack() {
		return this.fallenBack.get();
	}

	/**
	 * Renewals this instance did for the fleet.
	 * @return the count since start-up
	 */
	public long getRenewalsHere() {
		return this.renewedHere.sum();
	}

	/**
	 * Renewals that took a token another instance obtained.
	 * @return the count since start-up
	 */
	public long getRenewalsTakenFromFleet() {
		return this.takenFromFleet.sum();
	}

	/**
	 * Renewals that waited for another instance's renewal.
	 * @return the count since start-up
	 */
	public long getLockWaits() {
		return this.lockWaits.sum();
	}

	/**
	 * 401-driven renewals that renewed nothing because the rejected token had only just
	 * replaced another rejected one (the fleet's 401 backoff).
	 * @return the count since start-up
	 */
	public long getUnauthorizedHeldBack() {
		return this.unauthorizedHeldBack.sum();
	}

	/**
	 * Renewals done with this instance's own state because Redis was unavailable.
	 * @return the count since start-up
	 */
	public long getLocalFallbacks() {
		return this.localFallbacks.sum();
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
				+ ", fallenBackToLocal=" + this.fallenBack.get() + "}";
	}

	/**
	 * A Redis command, bounded by the command timeout; connecting (which Lettuce may do
	 * blocking) happens off the calling thread.
	 * @param <T> the type of the answer
	 * @param command the command
	 * @return the bounded command
	 */
	private <T> Mono<T> command(Mono<T> command) {
		return command.subscribeOn(Schedulers.boundedElastic())
			.timeout(this.settings.timeout(), this.scheduler)
			.onErrorMap((ex) -> !(ex instanceof RedisUnavailableException), RedisUnavailableException::new)
			.doOnSuccess((value) -> recovered());
	}

	private void recovered() {
		if (this.fallenBack.compareAndSet(true, false)) {
			logger.warn("Redis answers again: the token is shared with the fleet again");
		}
	}

	private void fellBack(Throwable ex) {
		if (this.fallenBack.compareAndSet(false, true)) {
			logger.warn("Redis is unavailable (" + describe((ex.getCause() != null) ? ex.getCause() : ex)
					+ "): each instance renews its own token until it answers again");
		}
	}

	private static String describe(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return "no answer within the command timeout";
		}
		return ex.getClass().getSimpleName();
	}

	private Instant now() {
		return this.clock.instant();
	}

	/**
	 * The keys of one account.
	 */
	private record Keys(String token, String guard, String failure, String lock, String unauthorized, String channel) {

		Keys(String prefix, String account) {
			this(prefix + ":" + account + ":token", prefix + ":" + account + ":guard",
					prefix + ":" + account + ":failure", prefix + ":" + account + ":lock",
					prefix + ":" + account + ":unauthorized", prefix + ":" + account + ":reset");
		}

		List<String> all() {
			return List.of(this.token, this.guard, this.failure, this.lock, this.unauthorized);
		}

	}

	/**
	 * Redis did not answer in time or failed: the renewal is done locally.
	 */
	private static final class RedisUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		RedisUnavailableException(Throwable cause) {
			super("Redis is unavailable", cause, false, false);
		}

	}

	/**
	 * One renewal of one account.
	 */
	private final class Flight {

		private final PosTokenRenewal renewal;

		private final Keys keys;

		private final String owner;

		private final Instant deadline;

		private boolean waited;

		Flight(PosTokenRenewal renewal) {
			this.renewal = renewal;
			this.keys = new Keys(RedisPosTokenStore.this.settings.prefix(), renewal.key());
			this.owner = RedisPosTokenStore.this.instanceId + ":" + RedisPosTokenStore.this.flights.incrementAndGet();
			this.deadline = now().plus(RedisPosTokenStore.this.settings.lockLease())
				.plus(RedisPosTokenStore.this.settings.timeout());
		}

		Mono<OAuth2AuthorizedClient> run() {
			return Mono.defer(this::once)
				.repeatWhenEmpty(Integer.MAX_VALUE,
						(polls) -> polls.concatMap((poll) -> Mono.delay(RedisPosTokenStore.this.settings.pollInterval(),
								RedisPosTokenStore.this.scheduler)))
				.onErrorResume(RedisUnavailableException.class, this::local);
		}

		/**
		 * One look at the fleet: its token, its failure, or the lock; empty to look
		 * again.
		 * @return the authorized client, or empty to look again
		 */
		private Mono<OAuth2AuthorizedClient> once() {
			return read().flatMap((shared) -> {
				OAuth2AuthorizedClient taken = take(shared);
				if (taken == null) {
					taken = protectedReplacement(shared);
				}
				if (taken != null) {
					return Mono.just(taken);
				}
				Throwable failure = fleetFailure(shared);
				if (failure != null) {
					return Mono.error(failure);
				}
				return command(RedisPosTokenStore.this.redis.opsForValue()
					.setIfAbsent(this.keys.lock(), this.owner, RedisPosTokenStore.this.settings.lockLease()))
					.flatMap((acquired) -> Boolean.TRUE.equals(acquired) ? underLock() : waitForHolder());
			});
		}

		private Mono<OAuth2AuthorizedClient> waitForHolder() {
			if (!this.waited) {
				this.waited = true;
				RedisPosTokenStore.this.lockWaits.increment();
			}
			if (now().isAfter(this.deadline)) {
				return Mono.error(new TokenEndpointException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE),
						this.renewal.name(),
						"Another instance of the fleet held the renewal lock longer than its lease",
						TokenEndpointException.Kind.UNAVAILABLE, true, false, 0, null, null));
			}
			return Mono.empty();
		}

		private Mono<OAuth2AuthorizedClient> underLock() {
			return read().onErrorResume(RedisUnavailableException.class, (ex) -> {
				releaseQuietly();
				return Mono.error(ex);
			}).flatMap((shared) -> {
				OAuth2AuthorizedClient taken = take(shared);
				if (taken == null) {
					taken = protectedReplacement(shared);
				}
				if (taken != null) {
					return release().thenReturn(taken);
				}
				Throwable failure = fleetFailure(shared);
				if (failure != null) {
					return release().then(Mono.error(failure));
				}
				return renewHere(shared);
			});
		}

		private Mono<OAuth2AuthorizedClient> renewHere(SharedState shared) {
			PosTokenRenewal renewal = this.renewal;
			SharedToken token = shared.token();
			if (shared.guard() != null) {
				renewal.adoptGuardState(shared.guard());
			}
			OAuth2RefreshToken refresh = (token != null) ? token.refreshToken() : renewal.refreshToken();
			OAuth2AccessToken access = (token != null) ? token.accessToken() : null;
			AtomicBoolean completed = new AtomicBoolean();
			return renewal.renew(access, refresh).onErrorResume((ex) -> {
				completed.set(true);
				return storeFailure(shared, ex).then(Mono.error(ex));
			}).flatMap((client) -> {
				completed.set(true);
				return storeSuccess(shared, client).thenReturn(client);
			}).switchIfEmpty(Mono.defer(() -> {
				completed.set(true);
				return release().then(Mono.error(() -> new IllegalStateException("No authorized client was obtained")));
			})).doOnCancel(() -> {
				if (!completed.get()) {
					// Cancelled mid-renewal (request timeout, shutdown): the refresh
					// token may have reached the server, so the fleet forgets it.
					SharedToken spent = (token != null) ? token.withRefresh(null) : null;
					store(spent, renewal.guardState(), KEEP_FAILURE, Duration.ZERO, KEEP_UNAUTHORIZED, Duration.ZERO)
						.subscribe(null, (ex) -> fellBack(ex));
				}
			});
		}

		private Mono<Void> storeSuccess(SharedState shared, OAuth2AuthorizedClient client) {
			RedisPosTokenStore.this.renewedHere.increment();
			SharedToken token = SharedToken.of(client);
			rememberRefresh(token);
			String unauthorized = DELETE_UNAUTHORIZED;
			Duration unauthorizedTtl = Duration.ZERO;
			if (this.renewal.replacesRejected() && token != null) {
				// A 401 replaced the token: the new one is protected from 401-driven
				// replacement for a pause that doubles while fresh tokens keep being
				// rejected; a renewal for any other reason ends the backoff.
				RedisTokenStoreSettings settings = RedisPosTokenStore.this.settings;
				UnauthorizedHold previous = shared.unauthorized();
				int count = ((previous != null) ? previous.count() : 0) + 1;
				Duration pause = settings.unauthorizedBackoff().multipliedBy(1L << Math.min(count - 1, 20));
				if (pause.compareTo(settings.maxUnauthorizedBackoff()) > 0) {
					pause = settings.maxUnauthorizedBackoff();
				}
				UnauthorizedHold hold = new UnauthorizedHold(
						UnauthorizedHold.digest(client.getAccessToken().getTokenValue()), count, now().plus(pause));
				unauthorized = RedisPosTokenStore.this.codec.encodeUnauthorized(hold);
				unauthorizedTtl = pause.plus(settings.maxUnauthorizedBackoff());
			}
			return store(token, CredentialGuardState.CLEAR, DELETE_FAILURE, Duration.ZERO, unauthorized,
					unauthorizedTtl)
				.onErrorResume((ex) -> {
					fellBack(ex);
					return Mono.empty();
				});
		}

		private Mono<Void> storeFailure(SharedState shared, Throwable ex) {
			SharedToken token = shared.token();
			SharedToken kept = (token != null) ? token.withRefresh(this.renewal.refreshToken()) : null;
			rememberRefresh(kept);
			String failure = KEEP_FAILURE;
			Duration ttl = Duration.ZERO;
			// Only a request that may have reached the server starts the fleet's backoff:
			// one
			// that never left (refused, or this instance shutting down) costs the server
			// nothing, and each instance backs off on its own anyway.
			if (ex instanceof TokenEndpointException tee && tee.isRequestSent()
					&& !TokenEndpointException.isCredentialRejection(ex)) {
				FleetFailure previous = shared.failure();
				int count = ((previous != null) ? previous.count() : 0) + 1;
				Duration pause = outagePause(count, tee.getRetryAfter());
				FleetFailure next = new FleetFailure(this.owner + ":" + count, count, now().plus(pause),
						tee.getKind().name(), tee.getError().getErrorCode(), tee.getError().getDescription(),
						tee.isTransient(), tee.getStatusCode());
				failure = RedisPosTokenStore.this.codec.encodeFailure(next);
				ttl = RedisPosTokenStore.this.settings.maxRetryBackoff().plus(pause).plus(Duration.ofMinutes(1));
			}
			return store(kept, this.renewal.guardState(), failure, ttl, KEEP_UNAUTHORIZED, Duration.ZERO)
				.onErrorResume((storing) -> {
					fellBack(storing);
					return Mono.empty();
				});
		}

		private Mono<Void> store(@Nullable SharedToken token, CredentialGuardState guard, String failure,
				Duration failureTtl, String unauthorized, Duration unauthorizedTtl) {
			RedisPosTokenStore store = RedisPosTokenStore.this;
			List<String> args = Arrays.asList(this.owner,
					(token != null) ? store.codec.encodeToken(token, this.keys.token()) : LEAVE,
					store.codec.encodeGuard(guard), failure, Long.toString(Math.max(1, failureTtl.toMillis())),
					unauthorized, Long.toString(Math.max(1, unauthorizedTtl.toMillis())));
			return command(store.redis.execute(STORE_AND_RELEASE, this.keys.all(), args).next()).then();
		}

		private Mono<Void> release() {
			return command(
					RedisPosTokenStore.this.redis.execute(RELEASE, List.of(this.keys.lock()), List.of(this.owner))
						.next())
				.then()
				.onErrorResume((ex) -> {
					fellBack(ex);
					return Mono.empty();
				});
		}

		private void releaseQuietly() {
			release().subscribe();
		}

		private Mono<SharedState> read() {
			RedisPosTokenStore store = RedisPosTokenStore.this;
			return command(store.redis.opsForValue()
				.multiGet(List.of(this.keys.token(), this.keys.guard(), this.keys.failure(), this.keys.unauthorized())))
				.map((values) -> {
					List<@Nullable String> padded = new ArrayList<>(values);
					while (padded.size() < 4) {
						padded.add(null);
					}
					return new SharedState(store.codec.decodeToken(padded.get(0), this.keys.token()),
							store.codec.decodeGuard(padded.get(1)), store.codec.decodeFailure(padded.get(2)),
							store.codec.decodeUnauthorized(padded.get(3)));
				});
		}

		/**
		 * The fleet's token when it replaces the one being renewed: another token, alive,
		 * and not shorter-lived than it.
		 * @param shared what the fleet holds
		 * @return the authorized client with the fleet's token, or {@code null}
		 */
		private @Nullable OAuth2AuthorizedClient take(SharedState shared) {
			SharedToken token = shared.token();
			if (token == null || !token.isAlive(now())) {
				return null;
			}
			OAuth2AccessToken current = this.renewal.currentToken();
			if (current != null) {
				Instant currentExpiry = current.getExpiresAt();
				if (token.hasAccess(current)
						|| (currentExpiry != null && token.expiresAt().isBefore(currentExpiry.minusMillis(1)))) {
					return null;
				}
			}
			RedisPosTokenStore.this.takenFromFleet.increment();
			rememberRefresh(token);
			return this.renewal.authorizedClient(token.accessToken(), token.refreshToken());
		}

		/**
		 * The fleet's token when a 401 rejected it but it replaced a rejected token only
		 * moments ago (the fleet's 401 backoff): it is not replaced now, and the caller
		 * gets the resource server's 401 as on a single instance.
		 * @param shared what the fleet holds
		 * @return the authorized client with the fleet's token, or {@code null}
		 */
		private @Nullable OAuth2AuthorizedClient protectedReplacement(SharedState shared) {
			OAuth2AccessToken rejected = this.renewal.currentToken();
			SharedToken token = shared.token();
			UnauthorizedHold hold = shared.unauthorized();
			Instant now = now();
			if (!this.renewal.replacesRejected() || rejected == null || token == null || hold == null
					|| !token.isAlive(now) || !token.hasAccess(rejected) || !hold.protects(rejected, now)) {
				return null;
			}
			RedisPosTokenStore.this.unauthorizedHeldBack.increment();
			rememberRefresh(token);
			return this.renewal.authorizedClient(token.accessToken(), token.refreshToken());
		}

		/**
		 * The error of a failure the fleet is backing off from, or {@code null}.
		 * @param shared what the fleet holds
		 * @return the error, or {@code null}
		 */
		private @Nullable Throwable fleetFailure(SharedState shared) {
			FleetFailure failure = shared.failure();
			Instant now = now();
			if (failure == null || !failure.holds(now)) {
				return null;
			}
			TokenEndpointException.Kind kind;
			try {
				kind = TokenEndpointException.Kind.valueOf(failure.kind());
			}
			catch (IllegalArgumentException ex) {
				kind = TokenEndpointException.Kind.UNAVAILABLE;
			}
			if (shared.guard() != null) {
				this.renewal.adoptGuardState(shared.guard());
			}
			return new TokenEndpointException(new OAuth2Error(failure.code(), failure.description(), null),
					this.renewal.name(),
					"The token endpoint failed for the fleet (" + failure.code()
							+ "); no instance sends a token request before " + failure.until(),
					kind, failure.transientFailure(), false, failure.status(), Duration.between(now, failure.until()),
					null);
		}

		private Mono<OAuth2AuthorizedClient> local(Throwable ex) {
			fellBack(ex);
			RedisPosTokenStore.this.localFallbacks.increment();
			OAuth2RefreshToken refresh = this.renewal.refreshToken();
			if (refresh != null && refresh.getTokenValue()
				.equals(RedisPosTokenStore.this.sharedRefreshTokens.get(this.renewal.key()))) {
				refresh = null;
			}
			return this.renewal.renew(refresh);
		}

		private void rememberRefresh(@Nullable SharedToken token) {
			if (token != null && token.refresh() != null) {
				RedisPosTokenStore.this.sharedRefreshTokens.put(this.renewal.key(), token.refresh());
			}
		}

		private Duration outagePause(int count, @Nullable Duration retryAfter) {
			RedisTokenStoreSettings settings = RedisPosTokenStore.this.settings;
			long base = settings.retryBackoff().toMillis() << Math.min(Math.max(count - 1, 0), 20);
			// The lower bound of the jitter each instance adds to its own pause: the
			// instance that failed is not held back by the fleet longer than by itself.
			long pause = Math.round(Math.min(base, settings.maxRetryBackoff().toMillis()) * 0.8);
			Duration fleetPause = Duration.ofMillis(pause);
			return (retryAfter != null && retryAfter.compareTo(fleetPause) > 0
					&& retryAfter.compareTo(Duration.ofHours(1)) <= 0) ? retryAfter : fleetPause;
		}

	}

}
