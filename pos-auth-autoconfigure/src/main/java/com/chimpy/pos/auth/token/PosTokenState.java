package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.util.Assert;

/**
 * The one token of a client registration: one cache and at most one token request in
 * flight, shared by every client of the PoS API (the {@code WebClient}, the imperative
 * and the reactive authorized client managers).
 * <p>
 * A token is served from memory until its refresh-ahead point; from there it is still
 * served while one background renewal runs; from its hard point callers wait for the
 * renewal (without blocking a thread). A renewal uses the refresh token when one is held
 * and falls back to the password grant, inside the same flight, when the server rejects
 * the refresh token; the newest refresh token always replaces the old one. Transient
 * failures of the token endpoint are retried with exponential backoff while the current
 * token stays in use until it really expires; callers without a usable token get an error
 * after {@link TokenRenewalSettings#maxWait()}. Rejected credentials are kept away from
 * the server by a guard that spaces out and finally stops password grants.
 * <p>
 * After a 401 from the resource server the rejected token is replaced once, however many
 * callers report it; a token that replaced a rejected one is protected from further
 * 401-driven replacement for a pause that doubles while fresh tokens keep being rejected
 * (see {@link UnauthorizedBackoff}). A refresh token that may have reached the server
 * with a failed request is never sent again. While renewals are held back (outage
 * backoff, guard pause) a caller without a usable token is answered without taking a
 * lock. Every flight completes, whatever the providers do; {@link #close()} stops
 * background renewals and retries.
 * <p>
 * Time comes from the given {@link Clock} and waits are scheduled on the given
 * {@link Scheduler}, so that tests can run the lifecycle in virtual time. Nothing here
 * logs or reveals a token or a credential.
 */
public final class PosTokenState implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PosTokenState.class);

	private final ClientRegistration registration;

	private final TokenRenewalSettings settings;

	private final Clock clock;

	private final Scheduler scheduler;

	private final CredentialGuard guard;

	private final UnauthorizedBackoff unauthorized;

	private final RenewalAttempt attempt;

	private final TokenErrors errors;

	private final Object lock = new Object();

	private final LongAdder unauthorizedReplays = new LongAdder();

	private final LongAdder unauthorizedHeldBack = new LongAdder();

	private final Disposable.Swap backgroundRetry = Disposables.swap();

	private volatile @Nullable HeldToken held;

	// Written under lock; read without it only to skip taking the lock when a renewal is
	// already in flight.
	private volatile Sinks.@Nullable One<OAuth2AuthorizedClient> flight;

	// Written under lock; read without it on the per-call path.
	private volatile @Nullable HoldBack holdBack;

	private volatile boolean closed;

	// The fields below are guarded by lock.

	private final FailureBackoff failures;

	private @Nullable Disposable flightSubscription;

	/**
	 * Create the token state of a client registration on the system clock and Reactor's
	 * parallel scheduler.
	 * @param registration the client registration (grant type
	 * {@link PasswordGrantRequest#PASSWORD})
	 * @param passwordProvider the provider that obtains a token with the password grant
	 * @param refreshProvider the provider that renews a token with its refresh token
	 * @param settings when to renew and how to retry
	 */
	public PosTokenState(ClientRegistration registration, ReactiveOAuth2AuthorizedClientProvider passwordProvider,
			ReactiveOAuth2AuthorizedClientProvider refreshProvider, TokenRenewalSettings settings) {
		this(registration, passwordProvider, refreshProvider, settings, Clock.systemUTC(), Schedulers.parallel());
	}

	/**
	 * Create the token state of a client registration.
	 * @param registration the client registration (grant type
	 * {@link PasswordGrantRequest#PASSWORD})
	 * @param passwordProvider the provider that obtains a token with the password grant
	 * @param refreshProvider the provider that renews a token with its refresh token
	 * @param settings when to renew and how to retry
	 * @param clock where the time comes from
	 * @param scheduler where waits, timeouts and background retries are scheduled
	 */
	public PosTokenState(ClientRegistration registration, ReactiveOAuth2AuthorizedClientProvider passwordProvider,
			ReactiveOAuth2AuthorizedClientProvider refreshProvider, TokenRenewalSettings settings, Clock clock,
			Scheduler scheduler) {
		Assert.notNull(registration, "registration must not be null");
		Assert.notNull(passwordProvider, "passwordProvider must not be null");
		Assert.notNull(refreshProvider, "refreshProvider must not be null");
		Assert.notNull(settings, "settings must not be null");
		Assert.notNull(clock, "clock must not be null");
		Assert.notNull(scheduler, "scheduler must not be null");
		String registrationId = registration.getRegistrationId();
		this.registration = registration;
		this.settings = settings;
		this.clock = clock;
		this.scheduler = scheduler;
		this.guard = new CredentialGuard(registrationId, settings.maxCredentialRejections(),
				settings.rejectionBackoff());
		this.unauthorized = new UnauthorizedBackoff(registrationId, settings.unauthorizedBackoff(),
				settings.maxUnauthorizedBackoff());
		this.attempt = new RenewalAttempt(registration, passwordProvider, refreshProvider, this.guard, clock);
		this.errors = new TokenErrors(registrationId, settings.maxWait(), settings.requestTimeout());
		this.failures = new FailureBackoff(settings, this.guard, this.errors);
	}

	/**
	 * The client registration this state holds the token of.
	 * @return the client registration
	 */
	public ClientRegistration getClientRegistration() {
		return this.registration;
	}

	/**
	 * The authorized client with a token to use now. Before the token's refresh-ahead
	 * point this is a read from memory; a caller never waits while a usable token is
	 * held.
	 * @return the authorized client, or an error ({@link ClientAuthorizationException})
	 * when no token can be had
	 */
	public Mono<OAuth2AuthorizedClient> authorizedClient() {
		return Mono.defer(() -> {
			OAuth2AuthorizedClient ready = readyAuthorizedClient();
			return (ready != null) ? Mono.just(ready) : acquire(now().plus(this.settings.maxWait()));
		});
	}

	/**
	 * The authorized client when its token is usable with no renewal work due (before its
	 * refresh-ahead point): a read from memory for callers on a hot path; otherwise
	 * {@code null}, and {@link #authorizedClient()} is the way to a token.
	 * @return the authorized client, or {@code null}
	 */
	public @Nullable OAuth2AuthorizedClient readyAuthorizedClient() {
		HeldToken current = this.held;
		return (current != null && now().isBefore(current.refreshAt())) ? current.client() : null;
	}

	/**
	 * The authorized client to replay a request with after the resource server rejected
	 * {@code rejected}: if that is still the current token it is dropped and renewed
	 * (once, however many callers report it); if another caller already renewed it, the
	 * current token. When the rejected token itself replaced a rejected one only moments
	 * ago (see {@link TokenRenewalSettings#unauthorizedBackoff()}), it is kept and the
	 * result is empty: the caller should pass the 401 on;
	 * {@link #tokenAccepted(OAuth2AccessToken)} ends that protection.
	 * @param rejected the access token the resource server answered 401 to
	 * @return the authorized client with a different token, empty when the token is not
	 * replaced now, or an error when none can be had
	 */
	public Mono<OAuth2AuthorizedClient> authorizedClientReplacing(OAuth2AccessToken rejected) {
		Assert.notNull(rejected, "rejected must not be null");
		return Mono.defer(() -> {
			Instant now = now();
			HeldToken current = this.held;
			boolean isCurrent = current != null && !current.rejected() && current.hasToken(rejected);
			if (isCurrent && this.unauthorized.isHoldingBack(now)) {
				this.unauthorizedHeldBack.increment();
				this.unauthorized.heldBack();
				return Mono.empty();
			}
			this.unauthorizedReplays.increment();
			if (current != null && isCurrent) {
				synchronized (this.lock) {
					if (this.held == current) {
						this.held = current.dropped();
						this.unauthorized.replacing(now);
					}
				}
			}
			return acquire(now.plus(this.settings.maxWait()));
		});
	}

	/**
	 * Tell the state that the resource server accepted a request carrying {@code token}.
	 * After a token that replaced a rejected one is accepted, the next 401 replaces the
	 * token at once again. A read of one volatile field when nothing is to be done, so
	 * clients call it after every answer that is not a 401.
	 * @param token the access token the accepted request carried
	 */
	public void tokenAccepted(OAuth2AccessToken token) {
		Assert.notNull(token, "token must not be null");
		if (!this.unauthorized.isEngaged()) {
			return;
		}
		synchronized (this.lock) {
			HeldToken current = this.held;
			if (current != null && current.hasToken(token)) {
				this.unauthorized.accepted();
			}
		}
	}

	/**
	 * Start getting a token now, for example when the application is ready, so that the
	 * first call does not wait. Failures are logged, not thrown.
	 */
	public void warmUp() {
		authorizedClient().subscribe(null, (ex) -> logger.warn("Could not obtain a token for client registration '"
				+ this.registration.getRegistrationId() + "' at start-up: " + TokenErrors.describe(ex)));
	}

	/**
	 * Forget the rejections and transient failures seen so far, so that the next caller
	 * asks the authorization server again. Call it after correcting or unblocking the
	 * credentials.
	 */
	public void reset() {
		this.guard.reset();
		synchronized (this.lock) {
			this.failures.succeeded();
			this.holdBack = null;
		}
	}

	/**
	 * Stop background renewals and retries, and fail callers still waiting for a token;
	 * later calls fail at once. Spring calls it when the application context closes.
	 */
	@Override
	public void close() {
		Sinks.One<OAuth2AuthorizedClient> pending;
		Disposable subscription;
		synchronized (this.lock) {
			this.closed = true;
			pending = this.flight;
			this.flight = null;
			subscription = this.flightSubscription;
		}
		this.backgroundRetry.dispose();
		if (subscription != null) {
			subscription.dispose();
		}
		if (pending != null) {
			pending.tryEmitError(this.errors.closed());
		}
	}

	/**
	 * Whether password grants have stopped after repeated rejections of the credentials.
	 * @return {@code true} until {@link #reset()}
	 */
	public boolean isStopped() {
		return this.guard.isStopped();
	}

	/**
	 * The OAuth2 error of the last rejection of the credentials, until a token is
	 * obtained again.
	 * @return the error, or {@code null}
	 */
	public @Nullable OAuth2Error getCredentialRejection() {
		return this.guard.getLastError();
	}

	/**
	 * The last failure of the token endpoint that was not a rejection of the credentials
	 * (an outage, an unexpected answer, a redirect), until a token is obtained again.
	 * @return the failure, or {@code null}
	 */
	public @Nullable TokenEndpointException getTokenEndpointFailure() {
		synchronized (this.lock) {
			return (this.failures.lastFailure() instanceof TokenEndpointException tee) ? tee : null;
		}
	}

	/**
	 * How many times a resource server's 401 made a client ask for a replacement token to
	 * replay its request with.
	 * @return the count since start-up
	 */
	public long getUnauthorizedReplays() {
		return this.unauthorizedReplays.sum();
	}

	/**
	 * How many 401s were passed on to the caller because the rejected token had only just
	 * replaced another one.
	 * @return the count since start-up
	 */
	public long getUnauthorizedHeldBack() {
		return this.unauthorizedHeldBack.sum();
	}

	/**
	 * When the current token expires.
	 * @return the expiry, or {@code null} when no token is held
	 */
	public @Nullable Instant getExpiresAt() {
		HeldToken current = this.held;
		return (current != null) ? current.client().getAccessToken().getExpiresAt() : null;
	}

	private Mono<OAuth2AuthorizedClient> acquire(Instant deadline) {
		return Mono.defer(() -> {
			Instant now = now();
			HeldToken current = this.held;
			if (current != null && current.isUsable(now)) {
				if (!now.isBefore(current.refreshAt())) {
					renewInBackground();
				}
				return Mono.just(current.client());
			}
			HeldToken fallback = (current != null && current.isAlive(now)) ? current : null;
			HoldBack back = this.holdBack;
			if (back != null && this.flight == null && back.holds(now)) {
				return heldBack(back, now, deadline, fallback);
			}
			Sinks.One<OAuth2AuthorizedClient> join;
			boolean started = false;
			synchronized (this.lock) {
				if (this.closed) {
					return Mono.error(this.errors.closed());
				}
				HeldToken latest = this.held;
				if (latest != current && latest != null && latest.isUsable(now)) {
					// A flight completed since this caller looked: use its token rather
					// than start another.
					return Mono.just(latest.client());
				}
				if (this.flight == null) {
					HoldBack latestBack = this.holdBack;
					if (latestBack != null && latestBack.holds(now)) {
						return heldBack(latestBack, now, deadline, fallback);
					}
					this.flight = Sinks.one();
					started = true;
				}
				join = this.flight;
			}
			if (started) {
				launch(join, current);
			}
			Instant waitUntil = (fallback != null && fallback.expiresAt().isBefore(deadline)) ? fallback.expiresAt()
					: deadline;
			return join.asMono()
				.timeout(positive(Duration.between(now, waitUntil)), this.scheduler)
				.onErrorResume((ex) -> afterFailedWait(ex, fallback, deadline));
		});
	}

	/**
	 * A caller while token requests are held back: the still-valid token, a wait for the
	 * next attempt when that comes before the caller's deadline, or an error at once. No
	 * lock, and nothing built but the caller's own error, which has no stack trace of its
	 * own (its cause has one).
	 * @param back the hold-back in force
	 * @param now the current time
	 * @param deadline the deadline
	 * @param fallback the still-valid token, or {@code null}
	 * @return the token, the wait for the next attempt, or the error
	 */
	private Mono<OAuth2AuthorizedClient> heldBack(HoldBack back, Instant now, Instant deadline,
			@Nullable HeldToken fallback) {
		if (fallback != null) {
			return Mono.just(fallback.client());
		}
		if (back.waitable() && !back.until().isAfter(deadline)) {
			return Mono.delay(positive(Duration.between(now, back.until())), this.scheduler).then(acquire(deadline));
		}
		return Mono.error(back.error(this.registration.getRegistrationId()));
	}

	private Mono<OAuth2AuthorizedClient> afterFailedWait(Throwable ex, @Nullable HeldToken fallback, Instant deadline) {
		Instant now = now();
		if (fallback != null && fallback.isAlive(now)) {
			return Mono.just(fallback.client());
		}
		if (ex instanceof TimeoutException) {
			// The wait ended either at the caller's deadline or when the token it could
			// fall back on expired;
			// in the second case the caller keeps waiting for the renewal until its own
			// deadline.
			if (now.isBefore(deadline)) {
				return acquire(deadline);
			}
			Throwable last;
			synchronized (this.lock) {
				last = this.failures.lastFailure();
			}
			return Mono.error(this.errors.unavailable((last != null) ? last : ex));
		}
		if (TokenEndpointException.isTransient(ex) && !this.closed) {
			return acquire(deadline);
		}
		return Mono.error(ex);
	}

	private void renewInBackground() {
		HoldBack back = this.holdBack;
		if (this.flight != null || this.closed || (back != null && back.holds(now()))) {
			return;
		}
		Sinks.One<OAuth2AuthorizedClient> started;
		HeldToken current;
		synchronized (this.lock) {
			current = this.held;
			Instant now = now();
			HoldBack latestBack = this.holdBack;
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
	 * Run one renewal. Whatever the providers do (throw, never answer, answer nothing),
	 * the flight completes: with a client, or with an error after at most the request
	 * timeout.
	 * @param sink the sink of the flight
	 * @param from the token the flight renews, or {@code null}
	 */
	private void launch(Sinks.One<OAuth2AuthorizedClient> sink, @Nullable HeldToken from) {
		try {
			Disposable subscription = Mono
				.defer(() -> this.attempt.renew((from != null) ? from.client().getAccessToken() : null))
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
			next = HeldToken.of(client, this.settings, now());
			this.guard.succeeded();
			this.attempt.renewed(client);
		}
		catch (RuntimeException ex) {
			failed(sink, ex);
			return;
		}
		synchronized (this.lock) {
			this.held = next;
			if (this.flight == sink) {
				this.flight = null;
			}
			this.failures.succeeded();
			this.holdBack = null;
		}
		sink.tryEmitValue(client);
	}

	/**
	 * Record a failed flight, then complete it: the flight is cleared and its callers are
	 * answered even when recording the failure fails.
	 * @param sink the sink of the flight
	 * @param ex the failure
	 */
	private void failed(Sinks.One<OAuth2AuthorizedClient> sink, Throwable ex) {
		try {
			recordFailure(ex);
		}
		catch (RuntimeException recordingFailure) {
			synchronized (this.lock) {
				this.holdBack = this.failures.unrecorded(ex, now());
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

	private void recordFailure(Throwable ex) {
		Instant now = now();
		HoldBack back;
		boolean retryInBackground;
		synchronized (this.lock) {
			HoldBack refused = this.failures.credentialsRefused(ex, now, this.attempt.holdsRefreshToken());
			if (refused != null) {
				this.holdBack = refused;
				back = null;
				retryInBackground = false;
			}
			else if (this.closed) {
				return;
			}
			else {
				back = this.failures.outage(ex, now);
				this.holdBack = back;
				HeldToken current = this.held;
				retryInBackground = current != null && !current.rejected()
						&& back.until().isBefore(current.expiresAt());
			}
		}
		if (back == null) {
			if (logger.isDebugEnabled()) {
				logger.debug("Token request for client registration '" + this.registration.getRegistrationId()
						+ "' failed: " + TokenErrors.describe(ex));
			}
			return;
		}
		Duration retryIn = Duration.between(now, back.until());
		logger.warn("Token request for client registration '" + this.registration.getRegistrationId() + "' failed ("
				+ TokenErrors.describe(ex) + "); next attempt in " + retryIn.toMillis() + " ms"
				+ (retryInBackground ? ", the current token stays in use meanwhile" : ""));
		if (retryInBackground) {
			this.backgroundRetry.update(Mono.delay(retryIn, this.scheduler).subscribe((tick) -> renewInBackground()));
		}
	}

	private Instant now() {
		return this.clock.instant();
	}

	private static Duration positive(Duration duration) {
		return (duration.isNegative() || duration.isZero()) ? Duration.ofMillis(1) : duration;
	}

	@Override
	public String toString() {
		HeldToken current = this.held;
		return "PosTokenState{registrationId='" + this.registration.getRegistrationId() + "', tokenExpiresAt="
				+ ((current != null) ? current.expiresAt() : null) + ", stopped=" + this.guard.isStopped() + "}";
	}

}
