package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every flight completes: whatever a provider does (throw from {@code authorize(..)}
 * instead of returning an error, fail with a {@link TokenEndpointException} whose
 * {@code getRetryAfter()} is absurd or throws, fail with an exception whose
 * {@code getMessage()} throws), every caller gets an answer (a token or an error) within
 * {@code max-wait} and a margin, and once the provider behaves again the next call gets a
 * token from the server.
 * <p>
 * The token states are built with {@code new} as the auto-configuration wires them, with
 * the providers wrapped so that a test can switch a fault on and off; the real providers
 * talk to a WireMock token endpoint, whose journal is the only source of counts. Every
 * wait is bounded: a hang fails the test.
 */
class FlightCompletionTests {

	private static final Duration MAX_WAIT = Duration.ofSeconds(2);

	/** How long a caller may take at most: max-wait plus a generous margin. */
	private static final Duration LIMIT = MAX_WAIT.plusSeconds(4);

	private static final int CALLERS = 20;

	private final AtomicReference<@Nullable ReactiveOAuth2AuthorizedClientProvider> passwordFault = new AtomicReference<>();

	private final AtomicReference<@Nullable ReactiveOAuth2AuthorizedClientProvider> refreshFault = new AtomicReference<>();

	private TokenServer tokens;

	/**
	 * One token request before the tests, so that a cold JVM (class loading, Reactor
	 * Netty's event loops) does not make the first request of a test take longer than
	 * {@code max-wait}.
	 */
	@BeforeAll
	static void warmUp() {
		try (TokenServer server = new TokenServer()) {
			server.issuing(60, 0, false);
			LifecycleFixture
				.tokenState(server.uri(), null, settings(Duration.ofSeconds(20)), Duration.ofSeconds(20),
						Duration.ofSeconds(20))
				.authorizedClient()
				.block(Duration.ofSeconds(30));
		}
	}

	@BeforeEach
	void startServer() {
		this.tokens = new TokenServer();
	}

	@AfterEach
	void stopServer() {
		this.tokens.close();
	}

	/**
	 * Cold start with a misbehaving password provider: 20 concurrent callers all
	 * complete; after the provider recovers the next call gets the server's first token.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(Misbehaviour.class)
	void coldStartWithAMisbehavingPasswordProviderCompletesEveryCaller(Misbehaviour misbehaviour) {
		this.tokens.issuing(60, 0, false);
		PosTokenState state = state(null);
		this.passwordFault.set(misbehaviour.provider());
		assertEveryCallerCompletes(callers(state::authorizedClient));
		assertThat(this.tokens.journal()).as("token requests while the provider misbehaved").isEmpty();
		this.passwordFault.set(null);
		assertThat(tokenValueOnceRecovered(state)).isEqualTo("at-1");
		assertThat(this.tokens.count("password")).isEqualTo(1);
	}

	/**
	 * A renewal in the background (a valid token held, past its refresh-ahead point) with
	 * a misbehaving refresh provider: 20 concurrent callers all complete; after the
	 * provider recovers and the token has expired, the next call gets a new token from
	 * the server.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(Misbehaviour.class)
	void backgroundRenewalWithAMisbehavingRefreshProviderCompletesEveryCaller(Misbehaviour misbehaviour)
			throws Exception {
		this.tokens.issuing(1, 0, true);
		PosTokenState state = state("offline_access");
		assertThat(tokenValue(state.authorizedClient())).isEqualTo("at-1");
		Instant expiresAt = state.getExpiresAt();
		assertThat(expiresAt).isNotNull();
		// past the refresh-ahead point (half of the 1 s lifetime), before the hard point
		// (100 ms before expiry)
		TokenConcurrencyTests.sleepUntil(expiresAt.minusMillis(400));
		this.refreshFault.set(misbehaviour.provider());
		assertEveryCallerCompletes(callers(state::authorizedClient));
		this.refreshFault.set(null);
		TokenConcurrencyTests.sleepUntil(expiresAt.plusMillis(50));
		assertThat(tokenValue(state.authorizedClient())).as("token after recovery").isNotEqualTo("at-1");
		assertThat(this.tokens.count()).as("token requests").isGreaterThanOrEqualTo(2);
	}

	/**
	 * A refresh provider that throws instead of returning an error, on the renewal after
	 * a 401: the caller that reported the 401 and 19 concurrent callers all complete;
	 * once the provider recovers the next call gets a new token (never the rejected one).
	 */
	@Test
	void refreshProviderThrowingOnA401RenewalCompletesEveryCallerAndTheNextCallWorks() {
		this.tokens.issuing(60, 0, true);
		PosTokenState state = state("offline_access");
		OAuth2AccessToken rejected = state.authorizedClient().block(LIMIT).getAccessToken();
		assertThat(rejected.getTokenValue()).isEqualTo("at-1");
		this.refreshFault.set(Misbehaviour.THROWS_FROM_AUTHORIZE.provider());
		List<Object> outcomes = new ArrayList<>();
		outcomes.add(outcome(state.authorizedClientReplacing(rejected)).block(LIMIT));
		assertThat(outcomes.get(0)).as("outcome of the replacing call").isNotNull();
		assertEveryCallerCompletes(callers(state::authorizedClient));
		this.refreshFault.set(null);
		assertThat(tokenValueOnceRecovered(state)).as("token after recovery").startsWith("at-").isNotEqualTo("at-1");
	}

	private PosTokenState state(@Nullable String scope) {
		return LifecycleFixture.tokenState(this.tokens.uri(), scope, settings(MAX_WAIT), Duration.ofSeconds(5),
				Duration.ofSeconds(5), (real) -> (context) -> {
					ReactiveOAuth2AuthorizedClientProvider fault = this.passwordFault.get();
					return (fault != null) ? fault.authorize(context) : real.authorize(context);
				}, (real) -> (context) -> {
					ReactiveOAuth2AuthorizedClientProvider fault = this.refreshFault.get();
					return (fault != null) ? fault.authorize(context) : real.authorize(context);
				});
	}

	/**
	 * Short waits and retries: refresh-ahead and expiry margin at their defaults (capped
	 * for short tokens), the given max-wait, 5 s per renewal (a cold JVM can be slow on
	 * the first request), retry after 100 ms doubling up to 400 ms.
	 */
	private static TokenRenewalSettings settings(Duration maxWait) {
		return new TokenRenewalSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), maxWait, Duration.ofSeconds(5),
				Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(100), 3);
	}

	/** {@value #CALLERS} concurrent calls, each on its own worker. */
	private static Flux<Object> callers(Supplier<Mono<OAuth2AuthorizedClient>> call) {
		return Flux.range(0, CALLERS)
			.flatMap((i) -> outcome(Mono.defer(call)).subscribeOn(Schedulers.parallel()), CALLERS);
	}

	/**
	 * A token or an error as a value; an empty completion shows up as the string "empty".
	 */
	private static Mono<Object> outcome(Mono<OAuth2AuthorizedClient> call) {
		return call.<Object>map((client) -> client).onErrorResume(Mono::just).defaultIfEmpty("empty");
	}

	private static void assertEveryCallerCompletes(Flux<Object> callers) {
		List<Object> outcomes = callers.collectList()
			.timeout(LIMIT, Mono.error(() -> new AssertionError("Callers did not complete within " + LIMIT)))
			.block(LIMIT.plusSeconds(1));
		assertThat(outcomes).hasSize(CALLERS)
			.allSatisfy(
					(outcome) -> assertThat(outcome).isInstanceOfAny(OAuth2AuthorizedClient.class, Throwable.class));
	}

	private static String tokenValue(Mono<OAuth2AuthorizedClient> call) {
		OAuth2AuthorizedClient client = call.block(LIMIT);
		assertThat(client).isNotNull();
		return client.getAccessToken().getTokenValue();
	}

	/**
	 * The token of the first call that gets one: after a failed flight the state spaces
	 * out token requests with the retry backoff (at most 400 ms here), and calls within
	 * it fail at once.
	 */
	private static String tokenValueOnceRecovered(PosTokenState state) {
		AtomicReference<String> token = new AtomicReference<>();
		Awaitility.await().atMost(LIMIT).pollInterval(Duration.ofMillis(50)).until(() -> {
			OAuth2AuthorizedClient client = state.authorizedClient().onErrorResume((ex) -> Mono.empty()).block(LIMIT);
			token.set((client != null) ? client.getAccessToken().getTokenValue() : null);
			return client != null;
		});
		return token.get();
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
