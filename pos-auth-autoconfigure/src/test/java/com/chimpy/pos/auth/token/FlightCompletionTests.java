package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.VirtualTimeFixture.Call;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;

import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.PASSWORD;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.token;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.tokenWithRefreshToken;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every flight completes: whatever a provider does (throw from {@code authorize(..)}
 * instead of returning an error, fail with a {@link TokenEndpointException} whose
 * {@code getRetryAfter()} is absurd or throws, fail with an exception whose
 * {@code getMessage()} throws), every caller gets an answer (a token or an error) by
 * {@code max-wait}, and once the provider behaves again the next call gets a token from
 * the endpoint.
 * <p>
 * In virtual time: the token states are built through their public constructor with the
 * real providers on a {@link ScriptedTokenEndpoint}, wrapped so that a test can switch a
 * fault on and off; the endpoint's journal is the only source of counts. A caller that
 * has no answer once {@code max-wait} has passed fails the test.
 */
class FlightCompletionTests {

	private static final Duration MAX_WAIT = Duration.ofSeconds(2);

	private static final int CALLERS = 20;

	private final AtomicReference<@Nullable ReactiveOAuth2AuthorizedClientProvider> passwordFault = new AtomicReference<>();

	private final AtomicReference<@Nullable ReactiveOAuth2AuthorizedClientProvider> refreshFault = new AtomicReference<>();

	@RegisterExtension
	final VirtualTimeFixture time = new VirtualTimeFixture();

	/**
	 * Cold start with a misbehaving password provider: 20 callers waiting at once all
	 * complete by {@code max-wait}; after the provider recovers the next call gets the
	 * endpoint's first token.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(Misbehaviour.class)
	void coldStartWithAMisbehavingPasswordProviderCompletesEveryCaller(Misbehaviour misbehaviour) {
		this.time.endpoint.always(PASSWORD, token(Duration.ofMinutes(1)));
		PosTokenState state = state();
		this.passwordFault.set(misbehaviour.provider());
		assertEveryCallerCompletes(callers(state::authorizedClient));
		assertThat(this.time.endpoint.requests()).as("token requests while the provider misbehaved").isEmpty();
		this.passwordFault.set(null);
		assertThat(tokenOnceRecovered(state)).isEqualTo("at-1");
		assertThat(this.time.endpoint.requests(PASSWORD)).hasSize(1);
	}

	/**
	 * A renewal in the background (a valid token held, past its refresh-ahead point) with
	 * a misbehaving refresh provider: 20 callers are all served the current token at
	 * once; after the provider recovers and the token has expired, the next call gets a
	 * new token from the endpoint.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(Misbehaviour.class)
	void backgroundRenewalWithAMisbehavingRefreshProviderCompletesEveryCaller(Misbehaviour misbehaviour) {
		this.time.endpoint.always(tokenWithRefreshToken(Duration.ofSeconds(1)));
		PosTokenState state = state();
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		Instant expiresAt = state.getExpiresAt();
		assertThat(expiresAt).isNotNull();
		// past the refresh-ahead point (half of the 1 s lifetime), before the hard point
		// (100 ms before expiry)
		this.time.advanceTo(expiresAt.minusMillis(400));
		this.refreshFault.set(misbehaviour.provider());
		List<Call> calls = callers(state::authorizedClient);
		assertThat(calls).as("callers served from memory while the renewal misbehaves")
			.allSatisfy((call) -> assertThat(call.token()).isEqualTo("at-1"));
		assertEveryCallerCompletes(calls);
		this.refreshFault.set(null);
		this.time.advanceTo(expiresAt.plusMillis(50));
		assertThat(tokenOnceRecovered(state)).as("token after recovery").startsWith("at-").isNotEqualTo("at-1");
		assertThat(this.time.endpoint.requests()).as("token requests").hasSizeGreaterThanOrEqualTo(2);
	}

	/**
	 * A refresh provider that throws instead of returning an error, on the renewal after
	 * a 401: the caller that reported the 401 and 19 callers waiting with it all complete
	 * by {@code max-wait}; once the provider recovers the next call gets a new token
	 * (never the rejected one).
	 */
	@Test
	void refreshProviderThrowingOnA401RenewalCompletesEveryCallerAndTheNextCallWorks() {
		this.time.endpoint.always(tokenWithRefreshToken(Duration.ofMinutes(1)));
		PosTokenState state = state();
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		OAuth2AccessToken rejected = state.readyAuthorizedClient().getAccessToken();
		this.refreshFault.set(Misbehaviour.THROWS_FROM_AUTHORIZE.provider());
		Call replacing = this.time.call(state.authorizedClientReplacing(rejected));
		List<Call> callers = callers(state::authorizedClient);
		this.time.advance(MAX_WAIT);
		assertThat(replacing.isDone()).as("the replacing call completed: %s", replacing).isTrue();
		assertThat(replacing.token()).as("the replacing call never gets the rejected token").isNotEqualTo("at-1");
		assertEveryCallerCompletes(callers);
		this.refreshFault.set(null);
		assertThat(tokenOnceRecovered(state)).as("token after recovery").startsWith("at-").isNotEqualTo("at-1");
	}

	private PosTokenState state() {
		return this.time.state(settings(), (real) -> (context) -> {
			ReactiveOAuth2AuthorizedClientProvider fault = this.passwordFault.get();
			return (fault != null) ? fault.authorize(context) : real.authorize(context);
		}, (real) -> (context) -> {
			ReactiveOAuth2AuthorizedClientProvider fault = this.refreshFault.get();
			return (fault != null) ? fault.authorize(context) : real.authorize(context);
		});
	}

	/**
	 * Short waits and retries: refresh-ahead and expiry margin at their defaults (capped
	 * for short tokens), {@value #CALLERS} callers' max-wait of 2 s, 5 s per renewal,
	 * retry after 100 ms doubling up to 400 ms.
	 */
	private static TokenRenewalSettings settings() {
		return VirtualTimeFixture.settings(MAX_WAIT, Duration.ofSeconds(5), Duration.ofMillis(100),
				Duration.ofMillis(400), Duration.ofMillis(100), 3);
	}

	/** {@value #CALLERS} calls started now, all waiting at once. */
	private List<Call> callers(Supplier<Mono<OAuth2AuthorizedClient>> call) {
		return IntStream.range(0, CALLERS).mapToObj((i) -> this.time.call(Mono.defer(call))).toList();
	}

	/**
	 * Lets {@code max-wait} pass (unless every caller has its answer before) and checks
	 * that every caller got a token or an error, none an empty completion.
	 */
	private void assertEveryCallerCompletes(List<Call> callers) {
		Instant deadline = this.time.now().plus(MAX_WAIT);
		if (!callers.stream().allMatch(Call::isDone)) {
			this.time.advanceTo(deadline);
		}
		assertThat(callers).hasSize(CALLERS).allSatisfy((call) -> {
			assertThat(call.isDone()).as("%s done by max-wait", call).isTrue();
			assertThat(call.isEmpty()).as("%s completed empty", call).isFalse();
			assertThat(call.token() != null || call.error() != null).as("%s has a token or an error", call).isTrue();
		});
	}

	/**
	 * The token of the first call that gets one: after a failed flight the state spaces
	 * out token requests with the retry backoff (at most 400 ms + 20 % here), and calls
	 * within it fail at once. One call every 50 ms of virtual time, for at most
	 * {@code max-wait}.
	 */
	private String tokenOnceRecovered(PosTokenState state) {
		Instant deadline = this.time.now().plus(MAX_WAIT);
		while (true) {
			Call call = this.time.call(state);
			this.time.advance(Duration.ofMillis(50));
			if (call.token() != null) {
				return call.token();
			}
			assertThat(this.time.now()).as("a token by %s (last call: %s)", deadline, call).isBefore(deadline);
		}
	}

	/**
	 * Ways a provider can misbehave.
	 */
	enum Misbehaviour {

		/** {@code authorize(..)} throws instead of returning {@code Mono.error(..)}. */
		THROWS_FROM_AUTHORIZE {
			@Override
			ReactiveOAuth2AuthorizedClientProvider provider() {
				return (context) -> {
					throw new IllegalStateException("provider bug: thrown from authorize(..)");
				};
			}
		},

		/**
		 * A transient failure whose {@code getRetryAfter()} is
		 * {@code Duration.ofSeconds(Long.MAX_VALUE)}.
		 */
		RETRY_AFTER_LONG_MAX_SECONDS {
			@Override
			ReactiveOAuth2AuthorizedClientProvider provider() {
				return (context) -> Mono.error(new OddRetryAfter(() -> Duration.ofSeconds(Long.MAX_VALUE)));
			}
		},

		/** A transient failure whose {@code getRetryAfter()} throws. */
		RETRY_AFTER_THROWS {
			@Override
			ReactiveOAuth2AuthorizedClientProvider provider() {
				return (context) -> Mono.error(new OddRetryAfter(() -> {
					throw new IllegalStateException("getRetryAfter() failed");
				}));
			}
		},

		/** A transient token endpoint failure whose {@code getMessage()} throws. */
		TRANSIENT_FAILURE_MESSAGE_THROWS {
			@Override
			ReactiveOAuth2AuthorizedClientProvider provider() {
				return (context) -> Mono.error(new UnprintableTokenEndpointException());
			}
		},

		/** Some other exception whose {@code getMessage()} throws. */
		OTHER_FAILURE_MESSAGE_THROWS {
			@Override
			ReactiveOAuth2AuthorizedClientProvider provider() {
				return (context) -> Mono.error(new UnprintableException());
			}
		};

		abstract ReactiveOAuth2AuthorizedClientProvider provider();

	}

	/**
	 * A transient failure (503) with a {@code Retry-After} that misbehaves.
	 */
	static final class OddRetryAfter extends TokenEndpointException {

		private static final long serialVersionUID = 1L;

		private final transient Supplier<Duration> retryAfter;

		OddRetryAfter(Supplier<Duration> retryAfter) {
			super(new OAuth2Error("temporarily_unavailable", "The token endpoint is overloaded", null), "pos",
					"The token endpoint answered HTTP 503", true, 503, null, null);
			this.retryAfter = retryAfter;
		}

		@Override
		public Duration getRetryAfter() {
			return this.retryAfter.get();
		}

	}

	/**
	 * A transient failure (503) whose message cannot be read.
	 */
	static final class UnprintableTokenEndpointException extends TokenEndpointException {

		private static final long serialVersionUID = 1L;

		UnprintableTokenEndpointException() {
			super(new OAuth2Error("temporarily_unavailable", null, null), "pos", "unused", true, 503, null, null);
		}

		@Override
		public String getMessage() {
			throw new IllegalStateException("getMessage() failed");
		}

	}

	/**
	 * An exception that is no {@link ClientAuthorizationException} and whose message
	 * cannot be read.
	 */
	static final class UnprintableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		@Override
		public String getMessage() {
			throw new IllegalStateException("getMessage() failed");
		}

	}

}
