package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
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
 * Nothing here logs or reveals a token or a credential.
 */
public final class PosTokenState {

	private static final Log logger = LogFactory.getLog(PosTokenState.class);

	private final ClientRegistration registration;

	private final Authentication principal;

	private final ReactiveOAuth2AuthorizedClientProvider passwordProvider;

	private final ReactiveOAuth2AuthorizedClientProvider refreshProvider;

	private final TokenRenewalSettings settings;

	private final RetryBackoff backoff;

	private final CredentialGuard guard;

	private final Scheduler timer = Schedulers.parallel();

	private final Object lock = new Object();

	private final LongAdder unauthorizedReplays = new LongAdder();

	private volatile @Nullable Held held;

	private volatile @Nullable OAuth2RefreshToken refreshToken;

	// Written under lock; read without it only to skip taking the lock when a renewal is already in flight.
	private volatile Sinks.@Nullable One<OAuth2AuthorizedClient> flight;

	// The fields below are guarded by lock.

	private int transientFailures;

	private Instant nextAttemptAt = Instant.EPOCH;

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
			return (ready != null) ? Mono.just(ready) : acquire(Instant.now().plus(this.settings.maxWait()));
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
		return (current != null && Instant.now().isBefore(current.refreshAt)) ? current.client : null;
	}

	/**
	 * The authorized client to replay a request with after the resource server rejected {@code rejected}: if that
	 * is still the current token it is dropped and renewed (once, however many callers report it); if another
	 * caller already renewed it, the current token.
	 * @param rejected the access token the resource server answered 401 to
	 * @return the authorized client with a different token, or an error when none can be had
	 */
	public Mono<OAuth2AuthorizedClient> authorizedClientReplacing(OAuth2AccessToken rejected) {
		Assert.notNull(rejected, "rejected must not be null");
		return Mono.defer(() -> {
			this.unauthorizedReplays.increment();
			synchronized (this.lock) {
				Held current = this.held;
				if (current != null && current.client.getAccessToken().getTokenValue().equals(rejected.getTokenValue())) {
					this.held = current.dropped();
				}
			}
			return acquire(Instant.now().plus(this.settings.maxWait()));
		});
	}

	/**
	 * Start getting a token now, for example when the application is ready, so that the first call does not wait.
	 * Failures are logged, not thrown.
	 */
	public void warmUp() {
		authorizedClient().subscribe(null, (ex) -> logger.warn("Could not obtain a token for client registration '"
				+ this.registration.getRegistrationId() + "' at start-up: " + ex.getMessage()));
	}

	/**
	 * Forget the rejections and transient failures seen so far, so that the next caller asks the authorization
	 * server again. Call it after correcting or unblocking the credentials.
	 */
	public void reset() {
		this.guard.reset();
		synchronized (this.lock) {
			this.transientFailures = 0;
			this.nextAttemptAt = Instant.EPOCH;
			this.lastFailure = null;
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
	 * How many times a resource server's 401 made a client ask for a replacement token to replay its request with.
	 * @return the count since start-up
	 */
	public long getUnauthorizedReplays() {
		return this.unauthorizedReplays.sum();
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
			Instant now = Instant.now();
			Held current = this.held;
			if (current != null && now.isBefore(current.hardAt)) {
				if (!now.isBefore(current.refreshAt)) {
					renewInBackground();
				}
				return Mono.just(current.client);
			}
			Held fallback = (current != null && now.isBefore(current.expiresAt)) ? current : null;
			Sinks.One<OAuth2AuthorizedClient> join;
			boolean started = false;
			synchronized (this.lock) {
				if (this.flight == null) {
					if (now.isBefore(this.nextAttemptAt)) {
						return waitForNextAttempt(now, deadline, fallback);
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

	private Mono<OAuth2AuthorizedClient> waitForNextAttempt(Instant now, Instant deadline, @Nullable Held fallback) {
		if (fallback != null) {
			return Mono.just(fallback.client);
		}
		if (this.nextAttemptAt.isAfter(deadline)) {
			return Mono.error(unavailable(this.lastFailure));
		}
		return Mono.delay(Duration.between(now, this.nextAttemptAt), this.timer).then(acquire(deadline));
	}

	private Mono<OAuth2AuthorizedClient> afterFailedWait(Throwable ex, @Nullable Held fallback, Instant deadline) {
		Instant now = Instant.now();
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
		if (TokenEndpointException.isTransient(ex)) {
			return acquire(deadline);
		}
		return Mono.error(ex);
	}

	private void renewInBackground() {
		if (this.flight != null) {
			return;
		}
		Sinks.One<OAuth2AuthorizedClient> started;
		Held current;
		synchronized (this.lock) {
			current = this.held;
			Instant now = Instant.now();
			if (this.flight != null || now.isBefore(this.nextAttemptAt) || current == null
					|| now.isBefore(current.refreshAt) || (this.refreshToken == null && this.guard.refusal(now) != null)) {
				return;
			}
			started = Sinks.one();
			this.flight = started;
		}
		launch(started, current);
	}

	private void launch(Sinks.One<OAuth2AuthorizedClient> sink, @Nullable Held from) {
		attempt(from).switchIfEmpty(Mono.error(() -> new IllegalStateException("No authorized client was obtained")))
			.timeout(this.settings.requestTimeout(), this.timer)
			.onErrorMap(TimeoutException.class, this::requestTimedOut)
			.subscribe((client) -> succeeded(sink, client), (ex) -> failed(sink, ex));
	}

	private Mono<OAuth2AuthorizedClient> attempt(@Nullable Held from) {
		Mono<OAuth2AuthorizedClient> password = Mono.defer(() -> {
			ClientAuthorizationException refusal = this.guard.refusal(Instant.now());
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
		return this.refreshProvider.authorize(context(renewable))
			.onErrorResume((ex) -> ex instanceof ClientAuthorizationException && !TokenEndpointException.isTransient(ex),
					(ex) -> {
						forgetRefreshToken(refresh);
						logger.info("The refresh token of client registration '" + this.registration.getRegistrationId()
								+ "' was rejected (" + errorCode(ex) + "); renewing with the password grant");
						return password;
					});
	}

	private void recordRejection(Throwable ex) {
		if (ex instanceof ClientAuthorizationException cae && !TokenEndpointException.isTransient(ex)) {
			this.guard.rejected(cae.getError(), Instant.now());
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
		this.guard.succeeded();
		synchronized (this.lock) {
			this.held = hold(client);
			this.refreshToken = client.getRefreshToken();
			this.flight = null;
			this.transientFailures = 0;
			this.nextAttemptAt = Instant.EPOCH;
			this.lastFailure = null;
		}
		sink.tryEmitValue(client);
	}

	private void failed(Sinks.One<OAuth2AuthorizedClient> sink, Throwable ex) {
		Duration retryIn = null;
		boolean retryInBackground = false;
		synchronized (this.lock) {
			this.flight = null;
			if (TokenEndpointException.isTransient(ex)) {
				this.transientFailures++;
				retryIn = this.backoff.delay(this.transientFailures,
						(ex instanceof TokenEndpointException tee) ? tee.getRetryAfter() : null);
				this.nextAttemptAt = Instant.now().plus(retryIn);
				this.lastFailure = ex;
				Held current = this.held;
				retryInBackground = current != null && this.nextAttemptAt.isBefore(current.expiresAt);
			}
		}
		if (retryIn != null) {
			logger.warn("Token request for client registration '" + this.registration.getRegistrationId()
					+ "' failed (" + describe(ex) + "); next attempt in " + retryIn.toMillis() + " ms"
					+ (retryInBackground ? ", the current token stays in use meanwhile" : ""));
			if (retryInBackground) {
				Mono.delay(retryIn, this.timer).subscribe((tick) -> renewInBackground());
			}
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Token request for client registration '" + this.registration.getRegistrationId()
					+ "' failed: " + describe(ex));
		}
		sink.tryEmitError(ex);
	}

	private Held hold(OAuth2AuthorizedClient client) {
		OAuth2AccessToken token = client.getAccessToken();
		Instant issuedAt = (token.getIssuedAt() != null) ? token.getIssuedAt() : Instant.now();
		Instant expiresAt = (token.getExpiresAt() != null) ? token.getExpiresAt() : issuedAt.plusSeconds(60);
		return new Held(client, this.settings.refreshAheadPoint(issuedAt, expiresAt),
				this.settings.hardPoint(issuedAt, expiresAt), expiresAt);
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
		String message = "No access token for client registration '" + this.registration.getRegistrationId()
				+ "' could be obtained within " + this.settings.maxWait().toMillis() + " ms"
				+ ((cause != null) ? "; last failure: " + describe(cause) : "");
		return new TokenEndpointException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, message, null),
				this.registration.getRegistrationId(), message, false, 0, null, cause);
	}

	private static String describe(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return "no answer in time";
		}
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	private static String errorCode(Throwable ex) {
		return (ex instanceof ClientAuthorizationException cae) ? cae.getError().getErrorCode() : "?";
	}

	private static Duration positive(Duration duration) {
		return (duration.isNegative() || duration.isZero()) ? Duration.ofMillis(1) : duration;
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
	private record Held(OAuth2AuthorizedClient client, Instant refreshAt, Instant hardAt, Instant expiresAt) {

		Held dropped() {
			return new Held(this.client, Instant.MIN, Instant.MIN, Instant.MIN);
		}

		@Override
		public String toString() {
			return "Held{expiresAt=" + this.expiresAt + "}";
		}

	}

}
