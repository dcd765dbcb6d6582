package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token endpoint fails in nine ways, in three phases of the token's life. Settings of
 * every cell: {@code max-wait} 800 ms, {@code request-timeout} 1 s, {@code read-timeout}
 * and {@code connect-timeout} 300 ms, {@code retry-backoff} 100 ms (doubling, with
 * jitter, up to 800 ms), tokens of 2 s (1 s for the expiry phase), refresh-ahead and
 * expiry margin capped at half and a tenth of the lifetime. The fault is in place from
 * before the first attempt; it is lifted 150 ms after the first failed background attempt
 * (renewal while valid) or once the failing call has returned (cold start, after expiry).
 * Every cell then also checks that the state recovers by itself.
 *
 * <pre>
 * | fault                           | cold start                         | renewal while valid                  | renewal after expiry               |
 * |---------------------------------|------------------------------------|--------------------------------------|------------------------------------|
 * | connection refused              | A: retried with backoff, then      | B: every call gets the old token,    | A (the expired token is never      |
 * |                                 | ClientAuthorizationException       | no call fails or waits; retried in   | served)                            |
 * |                                 | temporarily_unavailable within     | the background with backoff; the new |                                    |
 * |                                 | max-wait                           | token arrives before the old expires |                                    |
 * | connection reset by peer        | A                                  | B                                    | A                                  |
 * | timeout (delay 1.5 s > read     | A (each attempt ends at the read   | B                                    | A                                  |
 * | timeout 300 ms)                 | timeout)                           |                                      |                                    |
 * | HTTP 500                        | A                                  | B                                    | A                                  |
 * | HTTP 503 + Retry-After: 1       | C: the one attempt fails, the next | D: old token served until it         | C                                  |
 * |                                 | may only come after Retry-After,   | expires, no attempt before           |                                    |
 * |                                 | beyond max-wait, so the caller     | Retry-After has passed (beyond the   |                                    |
 * |                                 | gets ClientAuthorizationException  | expiry); callers after expiry wait   |                                    |
 * |                                 | temporarily_unavailable at once    | (bounded) for that attempt and get   |                                    |
 * |                                 |                                    | the new token; no call fails         |                                    |
 * | HTTP 429 + Retry-After: 1       | C                                  | D                                    | C                                  |
 * | 200 with malformed JSON         | A, but invalid_token_response (not | B                                    | A, but invalid_token_response      |
 * |                                 | a token response: transient)       |                                      |                                    |
 * | 200 without access_token        | as malformed JSON                  | B                                    | as malformed JSON                  |
 * | 200 with token_type "mac"       | as malformed JSON                  | B                                    | as malformed JSON                  |
 * </pre>
 *
 * Nothing hangs: every failing call returns within max-wait plus one request timeout, and
 * every cell ends with a successful call once the endpoint answers again.
 * Connection-refused and timeout cells cannot count attempts (no server to log them, or a
 * log entry only when the late answer goes out); all others check the attempts in the
 * token server's journal. The cells run concurrently (each with its own servers and token
 * state) to keep the suite short.
 */
@Execution(ExecutionMode.CONCURRENT)
class TokenEndpointFaultMatrixTests {

	private static final Duration MAX_WAIT = Duration.ofMillis(800);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

	private static final Duration BOUND = MAX_WAIT.plus(REQUEST_TIMEOUT).plusMillis(300);

	enum TokenFault {

		CONNECTION_REFUSED(null), CONNECTION_RESET(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
		TIMEOUT(json("{\"access_token\":\"at-late\",\"token_type\":\"Bearer\",\"expires_in\":60}")
			.withFixedDelay(1500)),
		HTTP_500(aResponse().withStatus(500).withBody("Internal Server Error")),
		HTTP_503_RETRY_AFTER(aResponse().withStatus(503).withHeader("Retry-After", "1")),
		HTTP_429_RETRY_AFTER(aResponse().withStatus(429)
			.withHeader("Retry-After", "1")
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"too_many_requests\",\"error_description\":\"Global limit has been reached\"}")),
		MALFORMED_JSON(json("{\"access_token\":\"at-x\",\"token_type\":")),
		MISSING_ACCESS_TOKEN(json("{\"token_type\":\"Bearer\",\"expires_in\":60}")),
		TOKEN_TYPE_NOT_BEARER(json("{\"access_token\":\"at-x\",\"token_type\":\"mac\",\"expires_in\":60}"));

		private final ResponseDefinitionBuilder answer;

		TokenFault(ResponseDefinitionBuilder answer) {
			this.answer = answer;
		}

		boolean retryAfter() {
			return this == HTTP_503_RETRY_AFTER || this == HTTP_429_RETRY_AFTER;
		}

		/**
		 * The error code of a caller that got no token: an answer that is not a token
		 * response is named as such, everything else is an outage.
		 */
		String errorCode() {
			return (this == MALFORMED_JSON || this == MISSING_ACCESS_TOKEN || this == TOKEN_TYPE_NOT_BEARER)
					? PosTokenResponseClient.INVALID_TOKEN_RESPONSE : OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE;
		}

		/**
		 * Whether the token server's journal shows a failed attempt soon after it
		 * arrived: not when nothing listens, and not for the slow answer, which WireMock
		 * logs only when it goes out, 1.5 s later, long after the client gave up.
		 */
		boolean logged() {
			return this != CONNECTION_REFUSED && this != TIMEOUT;
		}

		void apply(TokenServer tokens) {
			if (this.answer == null) {
				tokens.refuseConnections();
			}
			else {
				tokens.replaceStubs(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).willReturn(this.answer));
			}
		}

		private static ResponseDefinitionBuilder json(String body) {
			return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
		}

	}

	/**
	 * Loads and initializes the HTTP client and server code once, before the cells run
	 * side by side with their tight timeouts.
	 */
	@BeforeAll
	static void warmUp() {
		try (TokenServer tokens = new TokenServer()) {
			tokens.issuing(60, 0, false);
			LifecycleFixture
				.tokenState(tokens.uri(), null,
						LifecycleFixture.settings(Duration.ofSeconds(10), Duration.ofSeconds(10),
								Duration.ofMillis(100), Duration.ofSeconds(1), 3),
						Duration.ofSeconds(5), Duration.ofSeconds(5))
				.authorizedClient()
				.block(Duration.ofSeconds(20));
		}
	}

	static Stream<Arguments> faults() {
		return Stream.of(TokenFault.values()).map(Arguments::of);
	}

	/**
	 * Cold start: no token yet.
	 */
	@ParameterizedTest(name = "cold start: {0}")
	@MethodSource("faults")
	void coldStart(TokenFault fault) throws Exception {
		try (TokenServer tokens = new TokenServer()) {
			tokens.issuing(2, 0, false);
			fault.apply(tokens);
			PosTokenState state = state(tokens);
			Instant start = Instant.now();
			ClientAuthorizationException ex = failsInBoundedTime(state);
			Duration took = Duration.between(start, Instant.now());
			assertThat(ex.getError().getErrorCode()).isEqualTo(fault.errorCode());
			assertThat(ex.getMessage()).contains("'pos'").contains("last failure");
			assertThat(state.getExpiresAt()).isNull();
			if (fault.retryAfter()) {
				assertThat(took).as("fails at once: Retry-After lies beyond max-wait")
					.isLessThan(Duration.ofMillis(400));
				assertThat(tokens.count()).isEqualTo(1);
			}
			else if (fault.logged()) {
				assertThat(tokens.count()).as("retried with backoff within max-wait").isBetween(2, 8);
			}
			recover(tokens, fault, state);
		}
	}

	/**
	 * Renewal while the token is valid: from the refresh-ahead point of a 2 s token,
	 * calls every 25 ms until the old token has expired and the new one is in use.
	 */
	@ParameterizedTest(name = "renewal while valid: {0}")
	@MethodSource("faults")
	void renewalWhileValid(TokenFault fault) throws Exception {
		try (TokenServer tokens = new TokenServer()) {
			tokens.issuing(2, 0, false);
			PosTokenState state = state(tokens);
			// Normally at-1 after one request; on a loaded machine the first answer may
			// miss the tight read
			// timeout and the retry brings at-2: everything below is relative to what the
			// first call got.
			String first = token(state);
			String next = nextToken(first);
			int before = tokens.count();
			Instant expiresAt = state.getExpiresAt();
			Instant hardAt = expiresAt.minusMillis(200);
			fault.apply(tokens);
			TokenConcurrencyTests.sleepUntil(expiresAt.minusMillis(950));
			Instant restoreAt = Instant.now().plusMillis(150);
			boolean restored = false;
			List<Call> calls = new ArrayList<>();
			Instant end = expiresAt.plusSeconds(3);
			while (Instant.now().isBefore(end)) {
				// lifted 150 ms after the first call, and only once the server has
				// answered the first background
				// attempt with the fault (under load that attempt may take longer than
				// 150 ms to arrive)
				if (!restored && !Instant.now().isBefore(restoreAt)
						&& (!fault.logged() || tokens.journal().size() >= 2)) {
					restore(tokens);
					restored = true;
				}
				Instant callStart = Instant.now();
				try {
					String value = state.authorizedClient()
						.map((client) -> client.getAccessToken().getTokenValue())
						.block(BOUND.plusSeconds(1));
					calls.add(new Call(callStart, Duration.between(callStart, Instant.now()), value, null));
				}
				catch (RuntimeException ex) {
					calls.add(new Call(callStart, Duration.between(callStart, Instant.now()), null, ex));
				}
				if (restored && callStart.isAfter(expiresAt) && next.equals(calls.get(calls.size() - 1).token)) {
					break;
				}
				Thread.sleep(25);
			}
			List<Long> attemptsSeen = tokens.requests().stream().map((r) -> r.getLoggedDate().getTime()).toList();
			assertThat(calls)
				.as("no call fails (token requests at %s, expiry %s)", attemptsSeen, expiresAt.toEpochMilli())
				.allSatisfy((call) -> assertThat(call.failure).isNull());
			assertThat(calls).as("before expiry: the old or the new token")
				.filteredOn((call) -> call.start.isBefore(expiresAt))
				.allSatisfy((call) -> assertThat(call.token).isIn(first, next));
			assertThat(calls).as("after expiry: the new token")
				.filteredOn((call) -> call.start.isAfter(expiresAt))
				.isNotEmpty()
				.allSatisfy((call) -> assertThat(call.token).isEqualTo(next));
			assertThat(calls).as("no call waits before the hard point")
				.filteredOn((call) -> call.start.isBefore(hardAt))
				.isNotEmpty()
				.allSatisfy((call) -> assertThat(call.took).isLessThan(Duration.ofMillis(250)));
			List<Long> attempts = tokens.requests()
				.stream()
				.skip(before - 1)
				.map((r) -> r.getLoggedDate().getTime())
				.toList();
			if (fault.retryAfter()) {
				assertThat(calls)
					.as("the old token is served until it expires (token requests at %s, expiry %s)", attempts,
							expiresAt.toEpochMilli())
					// a call that starts a moment before the expiry may be looked at just
					// after it
					.filteredOn((call) -> call.start.isBefore(expiresAt.minusMillis(20)))
					.allSatisfy((call) -> assertThat(call.token).isEqualTo(first));
				assertThat(attempts).hasSize(3);
				assertThat(attempts.get(2) - attempts.get(1)).as("Retry-After honoured").isGreaterThanOrEqualTo(995);
			}
			else {
				assertThat(calls).as("the new token arrives while the old is still valid").anySatisfy((call) -> {
					assertThat(call.start).isBefore(expiresAt);
					assertThat(call.token).isEqualTo(next);
				});
				if (fault.logged()) {
					assertThat(attempts.size()).as("initial + failed attempts + success").isGreaterThanOrEqualTo(3);
					for (int i = 2; i < attempts.size(); i++) {
						assertThat(attempts.get(i) - attempts.get(i - 1)).as("backoff between attempts")
							.isGreaterThanOrEqualTo(75);
					}
				}
			}
		}
	}

	/**
	 * Renewal after the token expired (1 s token, nobody called during its life, so no
	 * background renewal ran).
	 */
	@ParameterizedTest(name = "renewal after expiry: {0}")
	@MethodSource("faults")
	void renewalAfterExpiry(TokenFault fault) throws Exception {
		try (TokenServer tokens = new TokenServer()) {
			tokens.issuing(1, 0, false);
			PosTokenState state = state(tokens);
			assertThat(token(state)).startsWith("at-");
			int before = tokens.count();
			fault.apply(tokens);
			TokenConcurrencyTests.sleepUntil(state.getExpiresAt().plusMillis(20));
			Instant start = Instant.now();
			ClientAuthorizationException ex = failsInBoundedTime(state);
			Duration took = Duration.between(start, Instant.now());
			assertThat(ex.getError().getErrorCode()).isEqualTo(fault.errorCode());
			if (fault.retryAfter()) {
				assertThat(took).isLessThan(Duration.ofMillis(400));
				assertThat(tokens.count() - before).isEqualTo(1);
			}
			else if (fault.logged()) {
				assertThat(tokens.count() - before).isBetween(2, 8);
			}
			recover(tokens, fault, state);
		}
	}

	private static PosTokenState state(TokenServer tokens) {
		return LifecycleFixture.tokenState(tokens.uri(), null,
				LifecycleFixture.settings(MAX_WAIT, REQUEST_TIMEOUT, Duration.ofMillis(100), Duration.ofSeconds(1), 3),
				READ_TIMEOUT, READ_TIMEOUT);
	}

	private static String nextToken(String token) {
		return "at-" + (Integer.parseInt(token.substring("at-".length())) + 1);
	}

	private static String token(PosTokenState state) {
		OAuth2AuthorizedClient client = state.authorizedClient().block(BOUND);
		return client.getAccessToken().getTokenValue();
	}

	private static ClientAuthorizationException failsInBoundedTime(PosTokenState state) {
		Instant start = Instant.now();
		ClientAuthorizationException[] failure = new ClientAuthorizationException[1];
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> state.authorizedClient().block(BOUND.plusSeconds(2)))
			.satisfies((ex) -> failure[0] = ex);
		assertThat(Duration.between(start, Instant.now())).as("bounded failure").isLessThan(BOUND);
		assertThat(failure[0].getMessage()).doesNotContain(LifecycleFixture.PASSWORD);
		return failure[0];
	}

	/**
	 * The endpoint answers again: after the pending backoff (at most 1 s) the next call
	 * gets a token.
	 */
	private static void recover(TokenServer tokens, TokenFault fault, PosTokenState state) throws InterruptedException {
		restore(tokens);
		Thread.sleep(1100);
		// A connection the fault left behind may still break once (a transient failure
		// with its own backoff):
		// recovery means a token within a few seconds, not on the very first call.
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(token(state)).as("recovers after %s", fault)
				.startsWith("at-")
				.isNotEqualTo("at-late"));
		assertThat(state.getExpiresAt()).isAfter(Instant.now());
	}

	private static void restore(TokenServer tokens) {
		tokens.acceptConnections();
		tokens.issuing(2, 0, false);
	}

	private record Call(Instant start, Duration took, String token, Throwable failure) {

	}

}
