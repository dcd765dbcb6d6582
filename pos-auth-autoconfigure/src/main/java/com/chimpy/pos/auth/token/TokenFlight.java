package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The held token and the single flight that renews it: at most one renewal at a time,
 * joined by every caller that needs a token meanwhile. A renewal asks the
 * {@link PosTokenStore}, which renews here or takes another instance's token. Whatever
 * the store and the providers do (throw, never answer, answer nothing), a flight
 * completes: with a client, or with an error after at most the request timeout.
 */
final class TokenFlight {

	private final TokenRenewalSettings settings;

	private final Clock clock;

	private final Scheduler scheduler;

	private final PosTokenStore store;

	private final StateRenewal renewal;

	private final RenewalAttempt attempt;

	private final CredentialGuard guard;

	private final RetrySchedule schedule;

	private final TokenErrors errors;

	private final Object lock = new Object();

	private volatile @Nullable HeldToken held;

	// Written under lock; read without it only to skip taking the lock when a renewal is
	// already in flight.
	private volatile Sinks.@Nullable One<OAuth2AuthorizedClient> flight;

	private volatile boolean closed;

	// Guarded by lock.
	private @Nullable Disposable flightSubscription;

	TokenFlight(TokenRenewalSettings settings, Clock clock, Scheduler scheduler, PosTokenStore store,
			StateRenewal renewal, RenewalAttempt attempt, CredentialGuard guard, RetrySchedule schedule,
			TokenErrors errors) {
		this.settings = settings;
		this.clock = clock;
		this.scheduler = scheduler;
		this.store = store;
		this.renewal = renewal;
		this.attempt = attempt;
		this.guard = guard;
		this.schedule = schedule;
		this.errors = errors;
	}

	/**
	 * The token in use, if any (it may be past its points).
	 * @return the held token, or {@code null}
	 */
	@Nullable HeldToken held() {
		return this.held;
	}

	boolean isInFlight() {
		return this.flight != null;
	}

	boolean isClosed() {
		return this.closed;
	}

	/**
	 * What a caller that found no usable token in {@code seen} gets: the token of a
	 * flight that completed since it looked, the hold while requests are held back, or a
	 * flight to wait for (started here when none runs).
	 * @param seen the token the caller found, or {@code null}
	 * @param now the current time
	 * @return what the caller gets
	 */
	Join join(@Nullable HeldToken seen, Instant now) {
		Sinks.One<OAuth2AuthorizedClient> joined;
		synchronized (this.lock) {
			if (this.closed) {
				return Join.failed(this.errors.closed());
			}
			HeldToken latest = this.held;
			if (latest != seen && latest != null && latest.isUsable(now)) {
				return Join.ready(latest.client());
			}
			if (this.flight != null) {
				return Join.waitFor(this.flight);
			}
			HoldBack back = this.schedule.holdBack();
			if (back != null && back.holds(now)) {
				return Join.heldBack(back);
			}
			joined = Sinks.one();
			this.flight = joined;
		}
		launch(joined, seen);
		return Join.waitFor(joined);
	}

	/**
	 * Start a background renewal when the token is past its refresh-ahead point and
	 * nothing holds renewals back.
	 */
	void renewInBackground() {
		HoldBack back = this.schedule.holdBack();
		if (this.flight != null || this.closed || (back != null && back.holds(this.clock.instant()))) {
			return;
		}
		Sinks.One<OAuth2AuthorizedClient> started;
		HeldToken current;
		synchronized (this.lock) {
			current = this.held;
			Instant now = this.clock.instant();
			HoldBack latestBack = this.schedule.holdBack();
			if (this.flight != null || this.closed || (latestBack != null && latestBack.holds(now)) || current == null
					|| now.isBefore(current.refreshAt())) {
				return;
			}
			started = Sinks.one();
			this.flight = started;
		}
		launch(started, current);
	}

	/**
	 * Drop the given token if it is still the one held: it is never served again.
	 * @param rejected the token the resource server rejected
	 * @return whether it was dropped
	 */
	boolean drop(HeldToken rejected) {
		synchronized (this.lock) {
			if (this.held != rejected) {
				return false;
			}
			this.held = rejected.dropped();
			return true;
		}
	}

	/**
	 * Whether the given token is the one held.
	 * @param token the access token
	 * @return whether it is held
	 */
	boolean holds(OAuth2AccessToken token) {
		synchronized (this.lock) {
			HeldToken current = this.held;
			return current != null && current.hasToken(token);
		}
	}

	/**
	 * Stop the flight and fail its callers; later joins fail at once.
	 */
	void close() {
		Sinks.One<OAuth2AuthorizedClient> pending;
		Disposable subscription;
		synchronized (this.lock) {
			this.closed = true;
			pending = this.flight;
			this.flight = null;
			subscription = this.flightSubscription;
		}
		if (subscription != null) {
			subscription.dispose();
		}
		if (pending != null) {
			pending.tryEmitError(this.errors.closed());
		}
	}

	private void launch(Sinks.One<OAuth2AuthorizedClient> sink, @Nullable HeldToken from) {
		try {
			StateRenewal fromHere = (from != null) ? this.renewal.from(from.client().getAccessToken(), from.rejected())
					: this.renewal.from(null, false);
			Disposable subscription = Mono.defer(() -> this.store.renew(fromHere))
				.switchIfEmpty(Mono.error(() -> new IllegalStateException("No authorized client was obtained")))
				.timeout(this.settings.requestTimeout(), this.scheduler)
				.onErrorMap(TimeoutException.class, this.errors::requestTimedOut)
				.subscribe((client) -> succeeded(sink, client), (ex) -> failed(sink, ex));
			synchronized (this.lock) {
				// Kept for close() while this flight is the current one (it may have
				// completed already).
				if (this.flight == sink) {
					this.flightSubscription = subscription;
				}
			}
		}
		catch (RuntimeException ex) {
			failed(sink, ex);
		}
	}

	private void succeeded(Sinks.One<OAuth2AuthorizedClient> sink, OAuth2AuthorizedClient client) {
		HeldToken next;
		try {
			next = HeldToken.of(client, this.settings, this.clock.instant());
			this.guard.succeeded();
			this.attempt.renewed(client);
		}
		catch (RuntimeException ex) {
			failed(sink, ex);
			return;
		}
		this.schedule.cleared();
		synchronized (this.lock) {
			this.held = next;
			if (this.flight == sink) {
				this.flight = null;
			}
		}
		sink.tryEmitValue(client);
	}

	/**
	 * Record a failed flight, then complete it: the flight is cleared and its callers are
	 * answered even when recording the failure fails.
	 * @param sink the flight
	 * @param ex the failure
	 */
	private void failed(Sinks.One<OAuth2AuthorizedClient> sink, Throwable ex) {
		try {
			if (!this.closed) {
				this.schedule.failed(ex, this.clock.instant(), this.attempt.holdsRefreshToken(), this.held,
						this::renewInBackground);
			}
		}
		finally {
			synchronized (this.lock) {
				if (this.flight == sink) {
					this.flight = null;
				}
			}
			sink.tryEmitError(ex);
		}
	}

	/**
	 * The answer to a caller joining the flight: exactly one of a ready client, a hold, a
	 * flight to wait for, or an error.
	 *
	 * @param ready the token of a flight that completed since the caller looked
	 * @param holdBack the hold while token requests are held back
	 * @param flight the flight to wait for
	 * @param error the error to fail with
	 */
	record Join(@Nullable OAuth2AuthorizedClient ready, @Nullable HoldBack holdBack,
			Sinks.@Nullable One<OAuth2AuthorizedClient> flight, @Nullable Throwable error) {

		static Join ready(OAuth2AuthorizedClient client) {
			return new Join(client, null, null, null);
		}

		static Join heldBack(HoldBack back) {
			return new Join(null, back, null, null);
		}

		static Join waitFor(Sinks.One<OAuth2AuthorizedClient> flight) {
			return new Join(null, null, flight, null);
		}

		static Join failed(Throwable error) {
			return new Join(null, null, null, error);
		}

	}

}
