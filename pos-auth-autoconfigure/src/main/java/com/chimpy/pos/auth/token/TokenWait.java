package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * The way of a caller without a token it can use at once: it joins the
 * {@link TokenFlight} (starting it when none runs), falls back on a token that is past
 * its hard point but still alive rather than fail, is answered without a lock while
 * requests are held back, and fails at its deadline with the last failure as the cause.
 */
final class TokenWait {

	private final TokenFlight flight;

	private final RetrySchedule schedule;

	private final TokenErrors errors;

	private final Clock clock;

	private final Scheduler scheduler;

	TokenWait(TokenFlight flight, RetrySchedule schedule, TokenErrors errors, Clock clock, Scheduler scheduler) {
		this.flight = flight;
		this.schedule = schedule;
		this.errors = errors;
		this.clock = clock;
		this.scheduler = scheduler;
	}

	/**
	 * A token for a caller that may wait until {@code deadline}.
	 * @param deadline until when the caller may wait
	 * @return the authorized client, or an error
	 */
	Mono<OAuth2AuthorizedClient> acquire(Instant deadline) {
		return Mono.defer(() -> {
			Instant now = now();
			HeldToken current = this.flight.held();
			if (current != null && current.isUsable(now)) {
				if (!now.isBefore(current.refreshAt())) {
					this.flight.renewInBackground();
				}
				return Mono.just(current.client());
			}
			HeldToken fallback = (current != null && current.isAlive(now)) ? current : null;
			HoldBack back = this.schedule.holdBack();
			if (back != null && !this.flight.isInFlight() && back.holds(now)) {
				return heldBack(back, now, deadline, fallback);
			}
			TokenFlight.Join join = this.flight.join(current, now);
			OAuth2AuthorizedClient ready = join.ready();
			HoldBack joinedBack = join.holdBack();
			Sinks.One<OAuth2AuthorizedClient> joined = join.flight();
			if (ready != null) {
				return Mono.just(ready);
			}
			if (joinedBack != null) {
				return heldBack(joinedBack, now, deadline, fallback);
			}
			if (joined == null) {
				Throwable error = join.error();
				return Mono.error((error != null) ? error : this.errors.closed());
			}
			Instant waitUntil = (fallback != null && fallback.expiresAt().isBefore(deadline)) ? fallback.expiresAt()
					: deadline;
			return joined.asMono()
				.timeout(positive(Duration.between(now, waitUntil)), this.scheduler)
				.onErrorResume((ex) -> afterFailedWait(ex, fallback, deadline));
		});
	}

	/**
	 * A caller while token requests are held back: the still-valid token, a wait for the
	 * next attempt when that comes before the caller's deadline, or an error at once. No
	 * lock, and nothing built but the caller's own error, which has no stack trace of its
	 * own (its cause has one).
	 * @param back the hold
	 * @param now the current time
	 * @param deadline the caller's deadline
	 * @param fallback the token to serve rather than fail, or {@code null}
	 * @return the answer to the caller
	 */
	private Mono<OAuth2AuthorizedClient> heldBack(HoldBack back, Instant now, Instant deadline,
			@Nullable HeldToken fallback) {
		if (fallback != null) {
			return Mono.just(fallback.client());
		}
		if (back.waitable() && !back.until().isAfter(deadline)) {
			return Mono.delay(positive(Duration.between(now, back.until())), this.scheduler).then(acquire(deadline));
		}
		return Mono.error(back.error(this.errors.registrationId()));
	}

	private Mono<OAuth2AuthorizedClient> afterFailedWait(Throwable ex, @Nullable HeldToken fallback, Instant deadline) {
		Instant now = now();
		if (fallback != null && fallback.isAlive(now)) {
			return Mono.just(fallback.client());
		}
		if (ex instanceof TimeoutException) {
			// The wait ended either at the caller's deadline or when the token it could
			// fall back on expired; in the second case the caller keeps waiting for the
			// renewal until its own deadline.
			if (now.isBefore(deadline)) {
				return acquire(deadline);
			}
			Throwable last = this.schedule.lastFailure();
			return Mono.error(this.errors.unavailable((last != null) ? last : ex));
		}
		if (TokenEndpointException.isTransient(ex) && !this.flight.isClosed()) {
			return acquire(deadline);
		}
		return Mono.error(ex);
	}

	private Instant now() {
		return this.clock.instant();
	}

	private static Duration positive(Duration duration) {
		return (duration.isNegative() || duration.isZero()) ? Duration.ofMillis(1) : duration;
	}

}
