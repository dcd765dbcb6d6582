package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.chimpy.pos.auth.token.ScriptedTokenEndpoint.Answer;
import com.chimpy.pos.auth.token.VirtualTimeFixture.Call;

import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token endpoint fails in nine ways, in three phases of the token's life, in virtual
 * time. Settings of every cell: {@code max-wait} 800 ms, {@code request-timeout} 1 s,
 * {@code retry-backoff} 100 ms (doubling, with jitter of ±20 %, up to 800 ms), tokens of
 * 2 s (1 s for the expiry phase), refresh-ahead and expiry margin capped at half and a
 * tenth of the lifetime. Each fault is what the token response client reports for it
 * ({@link TokenEndpointFaultClassificationTests} checks that over HTTP): a read timeout
 * is a failure 300 ms after the request was sent, the others fail as they are answered.
 * The fault is in place from before the first attempt; it is lifted 150 ms after the
 * first failed background attempt (renewal while valid) or once the failing call has
 * returned (cold start, after expiry). Every cell then also checks that the state
 * recovers by itself.
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
 * </pre> * Nothing hangs: every failing call returns at or before its {@code max-wait}
 * (exactly, in virtual time), and every cell ends with a successful call once the
 * endpoint answers again. Attempts are counted and timed from the scripted endpoint's
 * journal.
 */
class TokenEndpointFaultMatrixTests {

	private static final Duration MAX_WAIT = Duration.ofMillis(800);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

	private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);

	private static final Duration MAX_RETRY_BACKOFF = Duration.ofMillis(800);

	private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	enum TokenFault {

		CONNECTION_REFUSED(ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNAVAILABLE, false, 0, null)),
		CONNECTION_RESET(ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNAVAILABLE, true, 0, null)),
		TIMEOUT(ScriptedTokenEndpoint.delayed(READ_TIMEOUT,
				ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNAVAILABLE, true, 0, null))),
		HTTP_500(ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNAVAILABLE, true, 500, null,
				OAuth2ErrorCodes.SERVER_ERROR)),
		HTTP_503_RETRY_AFTER(
				ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNAVAILABLE, true, 503, RETRY_AFTER)),
		HTTP_429_RETRY_AFTER(ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNAVAILABLE, true, 429,
				RETRY_AFTER, "too_many_requests")),
		MALFORMED_JSON(ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNEXPECTED_RESPONSE, true, 200, null)),
		MISSING_ACCESS_TOKEN(
				ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNEXPECTED_RESPONSE, true, 200, null)),
		TOKEN_TYPE_NOT_BEARER(
				ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNEXPECTED_RESPONSE, true, 200, null));

		private final Answer answer;

		TokenFault(Answer answer) {
			this.answer = answer;
		}

		boolean retryAfter() {
			return this == HTTP_503_RETRY_AFTER || this == HTTP_429_RETRY_AFTER;
		}

		/** How long after it was sent an attempt fails. */
		Duration latency() {
			return (this == TIMEOUT) ? READ_TIMEOUT : Duration.ZERO;
		}

		/**
		 * The error code of a caller that got no token: an answer that is not a token
		 * response is named as such, everything else is an outage.
		 */
		String errorCode() {
			return (this == MALFORMED_JSON || this == MISSING_ACCESS_TOKEN || this == TOKEN_TYPE_NOT_BEARER)
					? PosTokenResponseClient.INVALID_TOKEN_RESPONSE : OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE;
		}

		void apply(ScriptedTokenEndpoint endpoint) {
			endpoint.always(this.answer);
		}

	}

	@RegisterExtension
	final VirtualTimeFixture time = new VirtualTimeFixture();

	static Stream<Arguments> faults() {
		return Stream.of(TokenFault.values()).map(Arguments::of);
	}

	/**
	 * Cold start: no token yet.
	 */
	@ParameterizedTest(name = "cold start: {0}")
	@MethodSource("faults")
	void coldStart(TokenFault fault) {
		fault.apply(this.time.endpoint);
		PosTokenState state = state();
		Call call = this.time.call(state);
		this.time.advance(MAX_WAIT);
		assertFailedWithinMaxWait(call, fault);
		assertThat(call.error().getMessage()).contains("'pos'").contains("last failure");
		assertThat(state.getExpiresAt()).isNull();
		List<Instant> attempts = this.time.endpoint.requestTimes();
		if (fault.retryAfter()) {
			assertThat(call.took()).as("fails at once: Retry-After lies beyond max-wait").isZero();
			assertThat(attempts).hasSize(1);
		}
		else {
			assertThat(attempts).as("retried with backoff within max-wait").hasSizeBetween(2, 8);
			// the clock stopped at max-wait, so these are the attempts up to the caller's
			// failure; one that the jittered backoff put exactly at max-wait runs in the
			// same instant (the retry schedule does not end with the caller)
			assertBackoffBetween(attempts, fault, 0);
		}
		recover(fault, state);
	}

	/**
	 * Renewal while the token is valid: from the refresh-ahead point of a 2 s token,
	 * calls every 25 ms until the old token has expired and the new one is in use.
	 */
	@ParameterizedTest(name = "renewal while valid: {0}")
	@MethodSource("faults")
	void renewalWhileValid(TokenFault fault) {
		this.time.endpoint.always(ScriptedTokenEndpoint.token(Duration.ofSeconds(2)));
		PosTokenState state = state();
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		Instant expiresAt = state.getExpiresAt();
		Instant refreshAt = expiresAt.minusSeconds(1);
		Instant hardAt = expiresAt.minusMillis(200);
		fault.apply(this.time.endpoint);
		this.time.advanceTo(refreshAt);
		Instant restoreAt = null;
		List<Call> calls = new ArrayList<>();
		while (this.time.now().isBefore(expiresAt.plusSeconds(3))) {
			if (restoreAt == null && this.time.endpoint.requests().size() >= 2) {
				restoreAt = this.time.now().plusMillis(150);
			}
			if (restoreAt != null && !this.time.now().isBefore(restoreAt)) {
				restore();
				restoreAt = Instant.MAX;
			}
			Call call = this.time.call(state);
			calls.add(call);
			this.time.advance(Duration.ofMillis(25));
			if (call.start().isAfter(expiresAt) && "at-2".equals(call.token())) {
				break;
			}
		}
		List<Instant> attempts = this.time.endpoint.requestTimes();
		assertThat(calls).as("no call fails (token requests at %s, expiry %s)", attempts, expiresAt)
			.allSatisfy((call) -> {
				assertThat(call.isDone()).isTrue();
				assertThat(call.error()).isNull();
			});
		assertThat(calls).as("before expiry: the old or the new token")
			.filteredOn((call) -> call.start().isBefore(expiresAt))
			.allSatisfy((call) -> assertThat(call.token()).isIn("at-1", "at-2"));
		assertThat(calls).as("from expiry on: the new token")
			.filteredOn((call) -> !call.start().isBefore(expiresAt))
			.isNotEmpty()
			.allSatisfy((call) -> assertThat(call.token()).isEqualTo("at-2"));
		assertThat(calls).as("no call waits before the hard point")
			.filteredOn((call) -> call.start().isBefore(hardAt))
			.isNotEmpty()
			.allSatisfy((call) -> assertThat(call.took()).isZero());
		assertThat(attempts.get(1)).as("the first renewal starts at the refresh-ahead point").isEqualTo(refreshAt);
		if (fault.retryAfter()) {
			assertThat(calls).as("the old token is served until it expires")
				.filteredOn((call) -> call.start().isBefore(expiresAt))
				.allSatisfy((call) -> assertThat(call.token()).isEqualTo("at-1"));
			assertThat(attempts).as("initial, failed renewal, renewal after Retry-After").hasSize(3);
			assertThat(attempts.get(2)).as("Retry-After honoured").isEqualTo(refreshAt.plus(RETRY_AFTER));
		}
		else {
			assertThat(calls).as("the new token arrives while the old is still valid").anySatisfy((call) -> {
				assertThat(call.start()).isBefore(expiresAt);
				assertThat(call.token()).isEqualTo("at-2");
			});
			assertThat(attempts.size()).as("initial + failed attempts + success").isGreaterThanOrEqualTo(3);
			assertBackoffBetween(attempts, fault, 1);
		}
	}

	/**
	 * Renewal after the token expired (1 s token, nobody called during its life, so no
	 * background renewal ran).
	 */
	@ParameterizedTest(name = "renewal after expiry: {0}")
	@MethodSource("faults")
	void renewalAfterExpiry(TokenFault fault) {
		this.time.endpoint.always(ScriptedTokenEndpoint.token(Duration.ofSeconds(1)));
		PosTokenState state = state();
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		fault.apply(this.time.endpoint);
		this.time.advanceTo(state.getExpiresAt().plusMillis(20));
		Call call = this.time.call(state);
		this.time.advance(MAX_WAIT);
		assertFailedWithinMaxWait(call, fault);
		List<Instant> attempts = this.time.endpoint.requestTimes();
		if (fault.retryAfter()) {
			assertThat(call.took()).isZero();
			assertThat(attempts).hasSize(2);
		}
		else {
			assertThat(attempts.size() - 1).isBetween(2, 8);
			assertBackoffBetween(attempts, fault, 1);
		}
		recover(fault, state);
	}

	private PosTokenState state() {
		return this.time.state(VirtualTimeFixture.settings(MAX_WAIT, REQUEST_TIMEOUT, RETRY_BACKOFF, MAX_RETRY_BACKOFF,
				Duration.ofSeconds(1), 3));
	}

	private static void assertFailedWithinMaxWait(Call call, TokenFault fault) {
		assertThat(call.isDone()).as("the call has failed by max-wait").isTrue();
		assertThat(call.took()).as("bounded failure").isLessThanOrEqualTo(MAX_WAIT);
		assertThat(call.errorCode()).isEqualTo(fault.errorCode());
		assertThat(call.error().getMessage()).doesNotContain(VirtualTimeFixture.PASSWORD);
	}

	/**
	 * The pause between consecutive failed attempts from {@code first} on: the attempt's
	 * own latency plus the backoff, which starts at {@code retry-backoff} and doubles
	 * (±20 % jitter) up to {@code max-retry-backoff}.
	 */
	private static void assertBackoffBetween(List<Instant> attempts, TokenFault fault, int first) {
		for (int i = first + 1; i < attempts.size(); i++) {
			int failures = i - first;
			long nominal = Math.min(RETRY_BACKOFF.toMillis() << (failures - 1), MAX_RETRY_BACKOFF.toMillis());
			long gap = Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis() - fault.latency().toMillis();
			assertThat(gap).as("backoff after failure %d (attempts at %s)", failures, attempts)
				.isBetween(Math.round(nominal * 0.8) - 1, Math.round(nominal * 1.2) + 1);
		}
	}

	/**
	 * The endpoint answers again: after the pending backoff (at most Retry-After, 1 s)
	 * the next call gets a token at once.
	 */
	private void recover(TokenFault fault, PosTokenState state) {
		restore();
		this.time.advance(RETRY_AFTER);
		Call call = this.time.call(state);
		this.time.advance(Duration.ofMillis(1));
		assertThat(call.token()).as("recovers after %s", fault).startsWith("at-");
		assertThat(state.getExpiresAt()).isAfter(this.time.now());
	}

	private void restore() {
		this.time.endpoint.always(ScriptedTokenEndpoint.token(Duration.ofSeconds(2)));
	}

}
