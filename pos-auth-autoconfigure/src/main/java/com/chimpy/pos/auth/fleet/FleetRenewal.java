package com.chimpy.pos.auth.fleet;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.PosTokenRenewal;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * One renewal of one account for the fleet: it takes the fleet's token when that replaces
 * the one being renewed, answers with a failure the fleet is backing off from, or takes
 * the lock, looks again and renews here; while another instance holds the lock it polls.
 * When Redis is unavailable it renews with local state.
 */
final class FleetRenewal {

	private final PosTokenRenewal renewal;

	private final FleetContext fleet;

	private final FleetKeys keys;

	private final RenewalLock lock;

	private final LockWait wait;

	FleetRenewal(PosTokenRenewal renewal, String owner, FleetContext fleet) {
		this.renewal = renewal;
		this.fleet = fleet;
		this.keys = new FleetKeys(fleet.settings().prefix(), renewal.key());
		this.lock = new RenewalLock(fleet.redis(), fleet.codec(), this.keys, owner, fleet.settings().lockLease());
		this.wait = new LockWait(renewal.name(), fleet.settings(), fleet.clock(), fleet.scheduler(), fleet.counters());
	}

	Mono<OAuth2AuthorizedClient> run() {
		return this.wait.poll(this::once)
			.onErrorResume(RedisUnavailableException.class, (ex) -> this.fleet.fallback().renew(this.renewal, ex));
	}

	/**
	 * One look at the fleet: its token, its failure, or the lock; empty to look again.
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
			return this.lock.acquire()
				.flatMap((acquired) -> Boolean.TRUE.equals(acquired) ? underLock() : this.wait.held());
		});
	}

	private Mono<OAuth2AuthorizedClient> underLock() {
		return read().onErrorResume(RedisUnavailableException.class, (ex) -> {
			this.lock.release().subscribe();
			return Mono.error(ex);
		}).flatMap((shared) -> {
			OAuth2AuthorizedClient taken = take(shared);
			if (taken == null) {
				taken = protectedReplacement(shared);
			}
			if (taken != null) {
				return this.lock.release().thenReturn(taken);
			}
			Throwable failure = fleetFailure(shared);
			if (failure != null) {
				return this.lock.release().then(Mono.error(failure));
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
			return this.lock.release()
				.then(Mono.error(() -> new IllegalStateException("No authorized client was obtained")));
		})).doOnCancel(() -> {
			if (!completed.get()) {
				// Cancelled mid-renewal (request timeout, shutdown): the refresh
				// token may have reached the server, so the fleet forgets it.
				SharedToken spent = (token != null) ? token.withRefresh(null) : null;
				this.lock.storeCancelled(spent, renewal.guardState()).subscribe();
			}
		});
	}

	private Mono<Void> storeSuccess(SharedState shared, OAuth2AuthorizedClient client) {
		this.fleet.counters().renewedHere();
		SharedToken token = SharedToken.of(client);
		remember(token);
		FleetUnauthorizedBackoff.Hold hold = null;
		if (this.renewal.replacesRejected() && token != null) {
			hold = this.fleet.unauthorized()
				.next(shared.unauthorized(), client.getAccessToken().getTokenValue(), now());
		}
		return this.lock.storeSuccess(token, hold);
	}

	private Mono<Void> storeFailure(SharedState shared, Throwable ex) {
		SharedToken token = shared.token();
		SharedToken kept = (token != null) ? token.withRefresh(this.renewal.refreshToken()) : null;
		remember(kept);
		OutageBackoff.Recorded failure = this.fleet.outage().next(ex, shared.failure(), this.lock.owner(), now());
		return this.lock.storeFailure(kept, this.renewal.guardState(), failure);
	}

	private Mono<SharedState> read() {
		return this.fleet.reader().read(this.keys);
	}

	/**
	 * The fleet's token when it replaces the one being renewed: another token, alive, and
	 * not shorter-lived than it.
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
		this.fleet.counters().tookFromFleet();
		remember(token);
		return this.renewal.authorizedClient(token.accessToken(), token.refreshToken());
	}

	/**
	 * The fleet's token when a 401 rejected it but it replaced a rejected token only
	 * moments ago (the fleet's 401 backoff): it is not replaced now, and the caller gets
	 * the resource server's 401 as on a single instance.
	 * @param shared what the fleet holds
	 * @return the authorized client with the fleet's token, or {@code null}
	 */
	private @Nullable OAuth2AuthorizedClient protectedReplacement(SharedState shared) {
		OAuth2AccessToken rejected = this.renewal.currentToken();
		SharedToken token = shared.token();
		UnauthorizedHold hold = shared.unauthorized();
		Instant now = now();
		if (!this.renewal.replacesRejected() || rejected == null || token == null || hold == null || !token.isAlive(now)
				|| !token.hasAccess(rejected) || !hold.protects(rejected, now)) {
			return null;
		}
		this.fleet.counters().heldBackUnauthorized();
		remember(token);
		return this.renewal.authorizedClient(token.accessToken(), token.refreshToken());
	}

	/**
	 * The error of a failure the fleet is backing off from, or {@code null}; the fleet's
	 * guard state is adopted with it.
	 * @param shared what the fleet holds
	 * @return the error, or {@code null}
	 */
	private @Nullable Throwable fleetFailure(SharedState shared) {
		Throwable error = OutageBackoff.error(shared.failure(), this.renewal.name(), now());
		if (error != null && shared.guard() != null) {
			this.renewal.adoptGuardState(shared.guard());
		}
		return error;
	}

	private void remember(@Nullable SharedToken token) {
		this.fleet.fallback().remember(this.renewal.key(), token);
	}

	private Instant now() {
		return this.fleet.clock().instant();
	}

}
