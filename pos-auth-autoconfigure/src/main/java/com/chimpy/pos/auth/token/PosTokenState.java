package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
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
 * A renewal goes through the {@link PosTokenStore}: the {@link InMemoryPosTokenStore}
 * renews here; a shared store lets a fleet of instances hold one token.
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

	private final PosTokenStore store;

	private final CredentialGuard guard;

	private final UnauthorizedBackoff unauthorized;

	private final TokenErrors errors;

	private final RetrySchedule schedule;

	private final StateRenewal renewal;

	private final TokenFlight flight;

	private final TokenWait waiting;

	private final Disposable storeAttachment;

	private final LongAdder unauthorizedReplays = new LongAdder();

	private final LongAdder unauthorizedHeldBack = new LongAdder();

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
	 * Create the token state of a client registration, kept in memory.
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
		this(registration, passwordProvider, refreshProvider, settings, clock, scheduler,
				InMemoryPosTokenStore.INSTANCE, TokenStoreKey.of(registration, null, registration.getRegistrationId()),
				registration.getRegistrationId());
	}

	/**
	 * Create the token state of one account.
	 * @param registration the client registration (grant type
	 * {@link PasswordGrantRequest#PASSWORD})
	 * @param passwordProvider the provider that obtains a token with the password grant
	 * @param refreshProvider the provider that renews a token with its refresh token
	 * @param settings when to renew and how to retry
	 * @param clock where the time comes from
	 * @param scheduler where waits, timeouts and background retries are scheduled
	 * @param store where the token lives between renewals and who renews it
	 * @param storeKey the key of the account's state in the store (see
	 * {@link TokenStoreKey})
	 * @param name the account, as log messages and errors name it
	 */
	public PosTokenState(ClientRegistration registration, ReactiveOAuth2AuthorizedClientProvider passwordProvider,
			ReactiveOAuth2AuthorizedClientProvider refreshProvider, TokenRenewalSettings settings, Clock clock,
			Scheduler scheduler, PosTokenStore store, String storeKey, String name) {
		Assert.notNull(registration, "registration must not be null");
		Assert.notNull(passwordProvider, "passwordProvider must not be null");
		Assert.notNull(refreshProvider, "refreshProvider must not be null");
		Assert.notNull(settings, "settings must not be null");
		Assert.notNull(clock, "clock must not be null");
		Assert.notNull(scheduler, "scheduler must not be null");
		Assert.notNull(store, "store must not be null");
		Assert.hasText(storeKey, "storeKey must not be empty");
		Assert.hasText(name, "name must not be empty");
		this.registration = registration;
		this.settings = settings;
		this.clock = clock;
		this.store = store;
		this.guard = new CredentialGuard(name, settings.maxCredentialRejections(), settings.rejectionBackoff());
		this.unauthorized = new UnauthorizedBackoff(name, settings.unauthorizedBackoff(),
				settings.maxUnauthorizedBackoff());
		this.errors = new TokenErrors(name, settings.maxWait(), settings.requestTimeout());
		this.schedule = new RetrySchedule("client registration '" + name + "'",
				new FailureBackoff(settings, this.guard, this.errors), scheduler);
		RenewalAttempt attempt = new RenewalAttempt(registration, passwordProvider, refreshProvider, this.guard, clock);
		this.renewal = new StateRenewal(storeKey, name, attempt, this.guard, this::resetHere, null, false);
		this.flight = new TokenFlight(settings, clock, scheduler, store, this.renewal, attempt, this.guard,
				this.schedule, this.errors);
		this.waiting = new TokenWait(this.flight, this.schedule, this.errors, clock, scheduler);
		this.storeAttachment = store.attach(this.renewal);
	}

	/**
	 * The client registration this state holds the token of.
	 * @return the client registration
	 */
	public ClientRegistration getClientRegistration() {
		return this.registration;
	}

	/**
	 * The account this state holds the token of, as messages name it.
	 * @return the name of the account
	 */
	public String getName() {
		return this.renewal.name();
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
		HeldToken current = this.flight.held();
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
			HeldToken current = this.flight.held();
			boolean isCurrent = current != null && !current.rejected() && current.hasToken(rejected);
			if (isCurrent && this.unauthorized.isHoldingBack(now)) {
				this.unauthorizedHeldBack.increment();
				this.unauthorized.heldBack();
				return Mono.empty();
			}
			this.unauthorizedReplays.increment();
			if (current != null && isCurrent && this.flight.drop(current)) {
				this.unauthorized.replacing(now);
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
		if (this.unauthorized.isEngaged() && this.flight.holds(token)) {
			this.unauthorized.accepted();
		}
	}

	/**
	 * Start getting a token now, for example when the application is ready, so that the
	 * first call does not wait. Failures are logged, not thrown.
	 */
	public void warmUp() {
		authorizedClient().subscribe(null, (ex) -> logger.warn("Could not obtain a token for client registration '"
				+ getName() + "' at start-up: " + TokenErrors.describe(ex)));
	}

	/**
	 * Forget the rejections and transient failures seen so far, so that the next caller
	 * asks the authorization server again; with a shared store, on every instance. Call
	 * it after correcting or unblocking the credentials.
	 */
	public void reset() {
		resetHere();
		this.store.reset(this.renewal)
			.subscribe(null, (ex) -> logger.warn("Could not reset the shared state of client registration '" + getName()
					+ "': " + TokenErrors.describe(ex)));
	}

	private void resetHere() {
		this.guard.reset();
		this.schedule.cleared();
	}

	/**
	 * Stop background renewals and retries, and fail callers still waiting for a token;
	 * later calls fail at once. Spring calls it when the application context closes.
	 */
	@Override
	public void close() {
		this.flight.close();
		this.schedule.close();
		this.storeAttachment.dispose();
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
		return (this.schedule.lastFailure() instanceof TokenEndpointException tee) ? tee : null;
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
		HeldToken current = this.flight.held();
		return (current != null) ? current.client().getAccessToken().getExpiresAt() : null;
	}

	private Mono<OAuth2AuthorizedClient> acquire(Instant deadline) {
		return this.waiting.acquire(deadline);
	}

	private Instant now() {
		return this.clock.instant();
	}

	@Override
	public String toString() {
		HeldToken current = this.flight.held();
		return "PosTokenState{name='" + getName() + "', tokenExpiresAt="
				+ ((current != null) ? current.expiresAt() : null) + ", stopped=" + this.guard.isStopped() + "}";
	}

}
