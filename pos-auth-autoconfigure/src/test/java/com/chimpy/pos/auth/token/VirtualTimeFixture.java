package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Token states in virtual time: a {@link VirtualTimeScheduler} of their own (not the
 * global one, so tests can run side by side), a {@link VirtualClock} that reads it, and a
 * {@link ScriptedTokenEndpoint} behind the real password and refresh-token providers.
 * Nothing moves until a test advances the time; then every wait, timeout and background
 * retry that falls due runs on the test's thread, in order.
 * <p>
 * A test class either closes it itself or registers it as a field, one per test, closed
 * after each: <pre>
 * &#64;RegisterExtension
 * final VirtualTimeFixture time = new VirtualTimeFixture();
 * </pre>
 */
final class VirtualTimeFixture implements AutoCloseable, AfterEachCallback {

	static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	static final String USERNAME = "till-17";

	/** A fake password; tests check that it never shows up in messages. */
	static final String PASSWORD = "pw-Ze7uQx9";

	final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	final Clock clock = new VirtualClock(this.scheduler, START);

	final ScriptedTokenEndpoint endpoint = new ScriptedTokenEndpoint(this.clock, this.scheduler);

	/**
	 * Renewal settings with the refresh-ahead and expiry margins at their defaults (5 min
	 * and 30 s), so that for short tokens both are capped: the refresh-ahead point is at
	 * half the lifetime and the hard point a tenth before expiry.
	 */
	static TokenRenewalSettings settings(Duration maxWait, Duration requestTimeout, Duration retryBackoff,
			Duration maxRetryBackoff, Duration rejectionBackoff, int maxRejections) {
		return new TokenRenewalSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), maxWait, requestTimeout,
				retryBackoff, maxRetryBackoff, rejectionBackoff, maxRejections);
	}

	/**
	 * A token state on this fixture's clock and scheduler, with the real providers on top
	 * of the scripted endpoint.
	 */
	PosTokenState state(TokenRenewalSettings settings) {
		return state(settings, UnaryOperator.identity(), UnaryOperator.identity());
	}

	/**
	 * A token state on this fixture's clock and scheduler, with the real providers on top
	 * of the scripted endpoint passed through the given wrappers, so that a test can make
	 * them misbehave and recover; what reaches the endpoint is still in its journal.
	 */
	PosTokenState state(TokenRenewalSettings settings,
			UnaryOperator<ReactiveOAuth2AuthorizedClientProvider> passwordWrapper,
			UnaryOperator<ReactiveOAuth2AuthorizedClientProvider> refreshWrapper) {
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId("pos-client")
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri("http://127.0.0.1:9/oauth/token")
			.build();
		return new PosTokenState(registration,
				passwordWrapper
					.apply(new PasswordGrantReactiveAuthorizedClientProvider(this.endpoint, USERNAME, PASSWORD)),
				refreshWrapper.apply(new RefreshTokenGrantReactiveAuthorizedClientProvider(this.endpoint)), settings,
				this.clock, this.scheduler);
	}

	Instant now() {
		return this.clock.instant();
	}

	/** Virtual time since the start. */
	Duration elapsed() {
		return Duration.between(START, now());
	}

	void advance(Duration duration) {
		this.scheduler.advanceTimeBy(duration);
	}

	void advanceTo(Instant instant) {
		Duration until = Duration.between(now(), instant);
		if (until.isNegative()) {
			throw new IllegalArgumentException("Virtual time is already past " + instant);
		}
		advance(until);
	}

	/** A call of {@link PosTokenState#authorizedClient()}, started now. */
	Call call(PosTokenState state) {
		return new Call(state.authorizedClient(), this.clock);
	}

	/** A subscription to the given call, started now. */
	Call call(Mono<OAuth2AuthorizedClient> call) {
		return new Call(call, this.clock);
	}

	/**
	 * Call now and expect a token at once, without any time passing.
	 * @return the token value
	 */
	String tokenNow(PosTokenState state) {
		Call call = call(state);
		if (!call.isDone() || call.token() == null) {
			throw new AssertionError("Expected a token at once, got " + call);
		}
		return call.token();
	}

	@Override
	public void close() {
		this.scheduler.dispose();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		close();
	}

	/**
	 * One subscription to a token, with its outcome and the virtual instant it came.
	 */
	static final class Call {

		private final Instant start;

		private final Clock clock;

		private final Disposable subscription;

		private volatile @Nullable String token;

		private volatile @Nullable Throwable error;

		private volatile @Nullable Instant doneAt;

		private volatile boolean empty;

		Call(Mono<OAuth2AuthorizedClient> mono, Clock clock) {
			this.clock = clock;
			this.start = clock.instant();
			this.subscription = mono.subscribe((client) -> {
				this.token = client.getAccessToken().getTokenValue();
				this.doneAt = clock.instant();
			}, (ex) -> {
				this.error = ex;
				this.doneAt = clock.instant();
			}, () -> {
				if (this.doneAt == null) {
					this.empty = true;
					this.doneAt = clock.instant();
				}
			});
		}

		Instant start() {
			return this.start;
		}

		boolean isDone() {
			return this.doneAt != null;
		}

		@Nullable String token() {
			return this.token;
		}

		@Nullable Throwable error() {
			return this.error;
		}

		/** The OAuth2 error code of a failed call, or {@code null}. */
		@Nullable String errorCode() {
			return (this.error instanceof ClientAuthorizationException cae) ? cae.getError().getErrorCode() : null;
		}

		boolean isEmpty() {
			return this.empty;
		}

		/** How long (virtual time) the call took; fails when it has not completed. */
		Duration took() {
			Instant done = this.doneAt;
			if (done == null) {
				throw new AssertionError(
						"The call started at " + this.start + " has not completed by " + this.clock.instant());
			}
			return Duration.between(this.start, done);
		}

		void cancel() {
			this.subscription.dispose();
		}

		@Override
		public String toString() {
			return "Call{start=" + this.start + ", doneAt=" + this.doneAt + ", token=" + this.token + ", error="
					+ this.error + ", empty=" + this.empty + "}";
		}

	}

}
