package com.chimpy.pos.auth.token;

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

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.util.Assert;

/**
 * The one token of a client registration: one cache and at most one token request in flight, shared by every
 * client of the PoS API (the {@code WebClient}, the imperative and the reactive authorized client managers).
 * <p>
 * A token is served from memory until its refresh-ahead point; from there it is still served while one background
 * renewal runs; from its hard point callers wait for the renewal (without blocking a thread). A renewal uses the
 * refresh token when one is held and falls back to the password grant, inside the same flight, when the server
 * rejects the refresh token; the newest refresh token always replaces the old one. Transient failures of the token
 * endpoint are retried with exponential backoff while the current token stays in use until it really expires;
 * callers without a usable token get an error after {@link TokenRenewalSettings#maxWait()}. Rejected credentials
 * are kept away from the server by a guard that spaces out and finally stops password grants.
 * <p>
 * After a 401 from the resource server the rejected token is replaced once, however many callers report it; a
 * token that replaced a rejected one is protected from further 401-driven replacement for a pause that doubles
 * while fresh tokens keep being rejected (see {@link UnauthorizedBackoff}). A refresh token that may have reached
 * the server with a failed request is never sent again. While renewals are held back (outage backoff, guard pause)
 * a caller without a usable token is answered without taking a lock. Every flight completes, whatever the
 * providers do; {@link #close()} stops background renewals and retries.
 * <p>
 * Nothing here logs or reveals a token or a credential.
 */
public final class PosTokenState implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PosTokenState.class);

	private final ClientRegistration registration;

	private final Authentication principal;

	private final ReactiveOAuth2AuthorizedClientProvider passwordProvider;

	private final ReactiveOAuth2AuthorizedClientProvider refreshProvider;

	private final TokenRenewalSettings settings;

	private final RetryBackoff backoff;

	private final CredentialGuard guard;

	private final UnauthorizedBackoff unauthorized;

	private final Scheduler timer = Schedulers.parallel();

	private final Object lock = new Object();

	private final LongAdder unauthorizedReplays = new LongAdder();

	private final LongAdder unauthorizedHeldBack = new LongAdder();

	private final Disposable.Swap backgroundRetry = Disposables.swap();

	private volatile @Nullable Held held;

	private volatile @Nullable OAuth2RefreshToken refreshToken;

	// Written under lock; read without it only to skip taking the lock when a renewal is already in flight.
	private volatile Sinks.@Nullable One<OAuth2AuthorizedClient> flight;

	// Written under lock; read without it on the per-call path.
	private volatile @Nullable HeldBack heldBack;

	private volatile boolean closed;

	// The fields below are guarded by lock.

	private int failures;

	private @Nullable Disposable flightSubscription;

	private @Nullable Throwable lastFailure;

	/**
	 * Create the token state of a client registration.
	 * @param registration the client registration (grant type {@link PasswordGrantRequest#PASSWORD})
	 * @param passwordProvider the provider that obtains a token with the password grant
	 * @param refreshProvider the provider that renews a token with its refresh token
	 * @param settings when to renew and how to retry
	 */
	public PosTokenState(ClientRegistration registration, ReactiveOAuth2AuthorizedClientProvider passwordProvider,
			ReactiveOAuth2AuthorizedClientProvider refreshProvider, TokenRenewalSettings settings) {
		Assert.notNull(registration, "registration must not be null");
		Assert.notNull(passwordProvider, "passwordProvider must not be null");
		Assert.notNull(refreshProvider, "refreshProvider must not be null");
		Assert.notNull(settings, "settings must not be null");
		this.registration = registration;
		this.principal = UsernamePasswordAuthenticationToken.unauthenticated(registration.getRegistrationId(), null);
		this.passwordProvider = passwordProvider;
		this.refreshProvider = refreshProvider;
		this.settings = settings;
		this.backoff = new RetryBackoff(settings.retryBackoff(), settings.maxRetryBackoff());
		this.guard = new CredentialGuard(registration.getRegistrationId(), settings.maxCredentialRejections(),
				settings.rejectionBackoff());
		this.unauthorized = new UnauthorizedBackoff(registration.getRegistrationId(), settings.unauthorizedBackoff(),
				settings.maxUnauthorizedBackoff());
	}

	/**
	 * The client registration this state holds the token of.
	 * @return the client registration
	 */
	public ClientRegistration getClientRegistration() {
		return this.registration;
	}

	/**
	 * The authorized client with a token to use now. Before the token's refresh-ahead point this is a read from
	 * memory; a caller never waits while a usable token is held.
	 * @return the authorized client, or an error ({@link ClientAuthorizationException}) when no token can be had
	 */
	public Mono<OAuth2AuthorizedClient> authorizedClient() {
		return Mono.defer(() -> {
			OAuth2AuthorizedClient ready = readyAuthorizedClient();
			return (ready != null) ? Mono.just(ready) : acquire(now().plus(this.settings.maxWait()));
		});
	}

	/**
	 * The authorized client when its token is usable with no renewal work due (before its refresh-ahead point):
	 * a read from memory for callers on a hot path; otherwise {@code null}, and {@link #authorizedClient()} is the
	 * way to a token.
	 * @return the authorized client, or {@code null}
	 */
	public @Nullable OAuth2AuthorizedClient readyAuthorizedClient() {
		Held current = this.held;
		return (current != null && now().isBefore(current.refreshAt)) ? current.client : null;
	}

	/**
	 * The authorized client to replay a request with after the resource server rejected {@code rejected}: if that
	 * is still the current token it is dropped and renewed (once, however many callers report it); if another
	 * caller already renewed it, the current token. When the rejected token itself replaced a rejected one only
	 * moments ago (see {@link TokenRenewalSettings#unauthorizedBackoff()}), it is kept and the result is empty:
	 * the caller should pass the 401 on; {@link #tokenAccepted(OAuth2AccessToken)} ends that protection.
	 * @param rejected the access token the resource server answered 401 to
	 * @return the authorized client with a different token, empty when the token is not replaced now, or an error
	 * when none can be had
	 */
	public Mono<OAuth2AuthorizedClient> authorizedClientReplacing(OAuth2AccessToken rejected) {
		Assert.notNull(rejected, "rejected must not be null");
		return Mono.defer(() -> {
			Instant now = now();
			Held current = this.held;
			boolean isCurrent = current != null && !current.rejected && current.hasToken(rejected);
			if (isCurrent && this.unauthorized.isHoldingBack(now)) {
				this.unauthorizedHeldBack.increment();
				this.unauthorized.heldBack();
				return Mono.empty();
			}
			this.unauthorizedReplays.increment();
			if (isCurrent) {
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
	 * Tell the state that the resource server accepted a request carrying {@code token}. After a token that
	 * replaced a rejected one is accepted, the next 401 replaces the token at once again. A read of one volatile
	 * field when nothing is to be done, so clients call it after every answer that is not a 401.
	 * @param token the access token the accepted request carried
	 */
	public void tokenAccepted(OAuth2AccessToken token) {
		Assert.notNull(token, "token must not be null");
		if (!this.unauthorized.isEngaged()) {
			return;
		}
		synchronized (this.lock) {
			Held current = this.held;
			if (current != null && current.hasToken(token)) {
				this.unauthorized.accepted();
			}
		}
	}

	/**
	 * Start getting a token now, for example when the application is ready, so that the first call does not wait.
	 * Failures are logged, not thrown.
	 */
	public void warmUp() {
		authorizedClient().subscribe(null, (ex) -> logger.warn("Could not obtain a token for client registration '"
				+ this.registration.getRegistrationId() + "' at start-up: " + describe(ex)));
	}

	/**
	 * Forget the rejections and transient failures seen so far, so that the next caller asks the authorization
	 * server again. Call it after correcting or unblocking the credentials.
	 */
	public void reset() {
		this.guard.reset();
		synchronized (this.lock) {
			this.failures = 0;
			this.lastFailure = null;
			this.heldBack = null;
		}
	}

	/**
	 * Stop background renewals and retries, and fail callers still waiting for a token; later calls fail at once.
	 * Spring calls it when the application context closes.
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
			pending.tryEmitError(closedError());
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
	 * The OAuth2 error of the last rejection of the credentials, until a token is obtained again.
	 * @return the error, or {@code null}
	 */
	public @Nullable OAuth2Error getCredentialRejection() {
		return this.guard.getLastError();
	}

	/**
	 * The last failure of the token endpoint that was not a rejection of the credentials (an outage, an unexpected
	 * answer, a redirect), until a token is obtained again.
	 * @return the failure, or {@code null}
	 */
	public @Nullable TokenEndpointException getTokenEndpointFailure() {
		synchronized (this.lock) {
			return (this.lastFailure instanceof TokenEndpointException tee) ? tee : null;
		}
	}

	/**
	 * How many times a resource server's 401 made a client ask for a replacement token to replay its request with.
	 * @return the count since start-up
	 */
	public long getUnauthorizedReplays() {
		return this.unauthorizedReplays.sum();
	}

	/**
	 * How many 401s were passed on to the caller because the rejected token had only just replaced another one.
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
		Held current = this.held;
		return (current != null) ? current.client.getAccessToken().getExpiresAt() : null;
	}

	private Mono<OAuth2AuthorizedClient> acquire(Instant deadline) {
		return Mono.defer(() -> {
			Instant now = now();
			Held current = this.held;
			if (current != null && now.isBefore(current.hardAt)) {
				if (!now.isBefore(current.refreshAt)) {
					renewInBackground();
				}
				return Mono.just(current.client);
			}
			Held fallback = (current != null && now.isBefore(current.expiresAt)) ? current : null;
			HeldBack back = this.heldBack;
			if (back != null && this.flight == null && now.isBefore(back.until)) {
				return heldBack(back, now, deadline, fallback);
			}
			Sinks.One<OAuth2AuthorizedClient> join;
			boolean started = false;
			synchronized (this.lock) {
				if (this.closed) {
					return Mono.error(closedError());
				}
				Held latest = this.held;
				if (latest != current && latest != null && now.isBefore(latest.hardAt)) {
					// A flight completed since this caller looked: use its token rather than start another.
					return Mono.just(latest.client);
				}
				if (this.flight == null) {
					HeldBack latestBack = this.heldBack;
					if (latestBack != null && now.isBefore(latestBack.until)) {
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
			Instant waitUntil = (fallback != null && fallback.expiresAt.isBefore(deadline)) ? fallback.expiresAt
					: deadline;
			return join.asMono()
				.timeout(positive(Duration.between(now, waitUntil)), this.timer)
				.onErrorResume((ex) -> afterFailedWait(ex, fallback, deadline));
		});
	}

	/**
	 * A caller while renewals are held back: the still-valid token, a wait for the next attempt when that comes
	 * before the caller's deadline, or an error at once. No lock, and nothing that was not built already but the
	 * caller's own error, which has no stack trace of its own (its cause has one).
	 */
	private Mono<OAuth2AuthorizedClient> heldBack(HeldBack back, Instant now, Instant deadline,
			@Nullable Held fallback) {
		if (fallback != null) {
			return Mono.just(fallback.client);
		}
		if (back.waitable && !back.until.isAfter(deadline)) {
			return Mono.delay(positive(Duration.between(now, back.until)), this.timer).then(acquire(deadline));
		}
		return Mono.error(back.error(this.registration.getRegistrationId()));
	}

	private Mono<OAuth2AuthorizedClient> afterFailedWait(Throwable ex, @Nullable Held fallback, Instant deadline) {
		Instant now = now();
		if (fallback != null && now.isBefore(fallback.expiresAt)) {
			return Mono.just(fallback.client);
		}
		if (ex instanceof TimeoutException) {
			// The wait ended either at the caller's deadline or when the token it could fall back on expired;
			// in the second case the caller keeps waiting for the renewal until its own deadline.
			if (now.isBefore(deadline)) {
				return acquire(deadline);
			}
			Throwable last;
			synchronized (this.lock) {
				last = this.lastFailure;
			}
			return Mono.error(unavailable((last != null) ? last : ex));
		}
		if (TokenEndpointException.isTransient(ex) && !this.closed) {
			return acquire(deadline);
		}
		return Mono.error(ex);
	}

	private void renewInBackground() {
		HeldBack heldBack = this.heldBack;
		if (this.flight != null || this.closed || (heldBack != null && now().isBefore(heldBack.until))) {
			return;
		}
		Sinks.One<OAuth2AuthorizedClient> started;
		Held current;
		synchronized (this.lock) {
			current = this.held;
			Instant now = now();
			HeldBack back = this.heldBack;
			if (this.flight != null || this.closed || (back != null && now.isBefore(back.until)) || current == null
					|| now.isBefore(current.refreshAt)) {
				return;
			}
			started = Sinks.one();
			this.flight = started;
		}
		launch(started, current);
	}

	/**
	 * Run one renewal. Whatever the providers do (throw, never answer, answer nothing), the flight completes: with
	 * a client, or with an error after at most the request timeout.
	 */
	private void launch(Sinks.One<OAuth2AuthorizedClient> sink, @Nullable Held from) {
		try {
			Disposable subscription = Mono.defer(() -> attempt(from))
				.switchIfEmpty(Mono.error(() -> new IllegalStateException("No authorized client was obtained")))
				.timeout(this.settings.requestTimeout(), this.timer)
				.onErrorMap(TimeoutException.class, this::requestTimedOut)
				.subscribe((client) -> succeeded(sink, client), (ex) -> failed(sink, ex));
			synchronized (this.lock) {
				// Kept for close() while this flight is the current one (it may have completed already).
				if (this.flight == sink) {
					this.flightSubscription = subscription;
				}
			}
		}
		catch (RuntimeException ex) {
			failed(sink, ex);
		}
	}

	private Mono<OAuth2AuthorizedClient> attempt(@Nullable Held from) {
		Mono<OAuth2AuthorizedClient> password = Mono.defer(() -> {
			ClientAuthorizationException refusal = this.guard.refusal(now());
			if (refusal != null) {
				return Mono.error(refusal);
			}
			return this.passwordProvider.authorize(context(null)).doOnError(this::recordRejection);
		});
		OAuth2RefreshToken refresh = this.refreshToken;
		if (refresh == null || from == null) {
			return password;
		}
		OAuth2AuthorizedClient renewable = new OAuth2AuthorizedClient(this.registration, this.principal.getName(),
				from.client.getAccessToken(), refresh);
		return Mono.defer(() -> this.refreshProvider.authorize(context(renewable)))
			// Cancelled by the request timeout or by close(): the request may have reached the server.
			.doOnCancel(() -> forgetRefreshToken(refresh))
			.onErrorResume((ex) -> {
				if (isRefreshRejected(ex)) {
					forgetRefreshToken(refresh);
					logger.info("The refresh token of client registration '" + this.registration.getRegistrationId()
							+ "' was rejected (" + errorCode(ex) + "); renewing with the password grant");
					return password;
				}
				if (!(ex instanceof TokenEndpointException tee) || tee.isRequestSent()) {
					// The server may have rotated it already: sending it again would be reuse.
					forgetRefreshToken(refresh);
				}
				return Mono.error(ex);
			});
	}

	/**
	 * Whether the authorization server refused the refresh token (an OAuth2 error that is not an outage).
	 */
	private static boolean isRefreshRejected(Throwable ex) {
		return ex instanceof ClientAuthorizationException && !TokenEndpointException.isTransient(ex)
				&& !(ex instanceof TokenEndpointException tee && tee.getKind() != TokenEndpointException.Kind.REJECTED);
	}

	private void recordRejection(Throwable ex) {
		if (TokenEndpointException.isCredentialRejection(ex)) {
			this.guard.rejected(((ClientAuthorizationException) ex).getError(), now());
		}
	}

	private void forgetRefreshToken(OAuth2RefreshToken rejected) {
		synchronized (this.lock) {
			if (this.refreshToken == rejected) {
				this.refreshToken = null;
			}
		}
	}

	private OAuth2AuthorizationContext context(@Nullable OAuth2AuthorizedClient authorizedClient) {
		OAuth2AuthorizationContext.Builder builder = (authorizedClient != null)
				? OAuth2AuthorizationContext.withAuthorizedClient(authorizedClient)
				: OAuth2AuthorizationContext.withClientRegistration(this.registration);
		return builder.principal(this.principal).build();
	}

	private void succeeded(Sinks.One<OAuth2AuthorizedClient> sink, OAuth2AuthorizedClient client) {
		Held next;
		try {
			next = hold(client);
			this.guard.succeeded();
		}
		catch (RuntimeException ex) {
			failed(sink, ex);
			return;
		}
		synchronized (this.lock) {
			this.held = next;
			this.refreshToken = client.getRefreshToken();
			if (this.flight == sink) {
				this.flight = null;
			}
			this.failures = 0;
			this.lastFailure = null;
			this.heldBack = null;
		}
		sink.tryEmitValue(client);
	}

	/**
	 * Record a failed flight, then complete it: the flight is cleared and its callers are answered even when
	 * recording the failure fails.
	 */
	private void failed(Sinks.One<OAuth2AuthorizedClient> sink, Throwable ex) {
		try {
			recordFailure(ex);
		}
		catch (RuntimeException recordingFailure) {
			synchronized (this.lock) {
				// Nothing of the failure is touched here: reading it may be what failed.
				this.heldBack = new HeldBack(now().plus(this.settings.retryBackoff()), true,
						new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE), "The token request failed", ex);
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
		if (this.refreshToken == null && this.guard.isRefusing(now)) {
			OAuth2Error error = this.guard.getLastError();
			synchronized (this.lock) {
				this.heldBack = new HeldBack(this.guard.refusedUntil(), false,
						(error != null) ? error : new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED),
						this.guard.refusalMessage(), ex);
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Token request for client registration '" + this.registration.getRegistrationId()
						+ "' failed: " + describe(ex));
			}
			return;
		}
		Duration retryIn;
		boolean retryInBackground;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.failures++;
			retryIn = this.backoff.delay(this.failures,
					(ex instanceof TokenEndpointException tee) ? tee.getRetryAfter() : null);
			Instant nextAttemptAt = now.plus(retryIn);
			this.lastFailure = ex;
			boolean waitable = TokenEndpointException.isTransient(ex);
			this.heldBack = waitable
					? new HeldBack(nextAttemptAt, true, unavailableError(ex), unavailableMessage(ex), ex)
					: new HeldBack(nextAttemptAt, false, error(ex),
							describe(ex) + "; the next token request is not sent before " + nextAttemptAt, ex);
			Held current = this.held;
			retryInBackground = current != null && !current.rejected && nextAttemptAt.isBefore(current.expiresAt);
		}
		logger.warn("Token request for client registration '" + this.registration.getRegistrationId() + "' failed ("
				+ describe(ex) + "); next attempt in " + retryIn.toMillis() + " ms"
				+ (retryInBackground ? ", the current token stays in use meanwhile" : ""));
		if (retryInBackground) {
			this.backgroundRetry.update(Mono.delay(retryIn, this.timer).subscribe((tick) -> renewInBackground()));
		}
	}

	private Held hold(OAuth2AuthorizedClient client) {
		OAuth2AccessToken token = client.getAccessToken();
		Instant issuedAt = (token.getIssuedAt() != null) ? token.getIssuedAt() : now();
		Instant expiresAt = (token.getExpiresAt() != null) ? token.getExpiresAt() : issuedAt.plusSeconds(60);
		return new Held(client, this.settings.refreshAheadPoint(issuedAt, expiresAt),
				this.settings.hardPoint(issuedAt, expiresAt), expiresAt, false);
	}

	/**
	 * A token request that took longer than the request timeout: transient, and told apart from a caller's own
	 * wait running out.
	 */
	private TokenEndpointException requestTimedOut(TimeoutException ex) {
		String message = "The token endpoint did not answer within " + this.settings.requestTimeout().toMillis()
				+ " ms";
		return new TokenEndpointException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, message, null),
				this.registration.getRegistrationId(), message, true, 0, null, ex);
	}

	private TokenEndpointException unavailable(@Nullable Throwable cause) {
		return new TokenEndpointException(unavailableError(cause), this.registration.getRegistrationId(),
				unavailableMessage(cause), false, 0, null, cause);
	}

	/**
	 * The error of a caller that got no token in time: {@code invalid_token_response} when the last answer was not
	 * a token (so that the code points at what sits in front of the server), else
	 * {@code temporarily_unavailable}.
	 */
	private OAuth2Error unavailableError(@Nullable Throwable cause) {
		boolean unexpected = cause instanceof TokenEndpointException tee
				&& tee.getKind() == TokenEndpointException.Kind.UNEXPECTED_RESPONSE;
		return new OAuth2Error(unexpected ? PosTokenResponseClient.INVALID_TOKEN_RESPONSE
				: OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, unavailableMessage(cause), null);
	}

	private String unavailableMessage(@Nullable Throwable cause) {
		return "No access token for client registration '" + this.registration.getRegistrationId()
				+ "' could be obtained within " + this.settings.maxWait().toMillis() + " ms"
				+ ((cause != null) ? "; last failure: " + describe(cause) : "");
	}

	private ClientAuthorizationException closedError() {
		return new ClientAuthorizationException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE),
				this.registration.getRegistrationId(),
				"The token state of client registration '" + this.registration.getRegistrationId() + "' is closed");
	}

	private static OAuth2Error error(Throwable ex) {
		return (ex instanceof ClientAuthorizationException cae) ? cae.getError()
				: new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR);
	}

	private static String describe(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return "no answer in time";
		}
		String message = ex.getMessage();
		return (message != null) ? message : ex.getClass().getSimpleName();
	}

	private static String errorCode(Throwable ex) {
		return (ex instanceof ClientAuthorizationException cae) ? cae.getError().getErrorCode() : "?";
	}

	private static Duration positive(Duration duration) {
		return (duration.isNegative() || duration.isZero()) ? Duration.ofMillis(1) : duration;
	}

	private static Instant now() {
		return Instant.now();
	}

	@Override
	public String toString() {
		Held current = this.held;
		return "PosTokenState{registrationId='" + this.registration.getRegistrationId() + "', tokenExpiresAt="
				+ ((current != null) ? current.expiresAt : null) + ", stopped=" + this.guard.isStopped() + "}";
	}

	/**
	 * A token in use and the points of its life.
	 */
	private record Held(OAuth2AuthorizedClient client, Instant refreshAt, Instant hardAt, Instant expiresAt,
			boolean rejected) {

		boolean hasToken(OAuth2AccessToken token) {
			return this.client.getAccessToken().getTokenValue().equals(token.getTokenValue());
		}

		/**
		 * The token after the resource server rejected it: never served again, not even as a fallback.
		 */
		Held dropped() {
			return new Held(this.client, Instant.MIN, Instant.MIN, Instant.MIN, true);
		}

		@Override
		public String toString() {
			return "Held{expiresAt=" + this.expiresAt + ", rejected=" + this.rejected + "}";
		}

	}

	/**
	 * Renewals held back until a point in time, after a failure. Callers without a usable token either wait for
	 * that point ({@code waitable}: an outage that may end) or fail at once with a copy of the prepared error.
	 */
	private record HeldBack(Instant until, boolean waitable, OAuth2Error oauth2Error, String message,
			Throwable cause) {

		TokenEndpointException error(String registrationId) {
			return new HeldBackException(this.oauth2Error, registrationId, this.message, this.cause);
		}

	}

}
