package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.token.ScriptedTokenEndpoint.Request;
import com.chimpy.pos.auth.token.VirtualTimeFixture.Call;

import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.PASSWORD;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.REFRESH_TOKEN;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.delayed;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.never;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.oauth2Error;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.token;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.tokenWithRefreshToken;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.unavailable;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token lifecycle in virtual time, through {@link PosTokenState}'s public API: the
 * renewal points, the caller's {@code max-wait}, the request timeout, the retry schedule
 * and the fallback from a dead refresh token. Every assertion about time is about an
 * exact virtual instant; the only tolerance is the documented ±20 % jitter of the retry
 * backoff.
 */
class TokenLifecycleVirtualTimeTests {

	private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

	@RegisterExtension
	final VirtualTimeFixture time = new VirtualTimeFixture();

	/**
	 * A 2 s token: served from memory until its refresh-ahead point (1 s, half the
	 * lifetime); from there one background renewal starts while the token is still served
	 * at once; the successor, 500 ms later, replaces it.
	 */
	@Test
	void tokenIsServedFromMemoryAndRenewedOnceFromItsRefreshAheadPoint() {
		this.time.endpoint.always(delayed(Duration.ofMillis(500), token(TWO_SECONDS)));
		PosTokenState state = state(Duration.ofSeconds(5), Duration.ofSeconds(5));
		Call first = this.time.call(state);
		this.time.advance(Duration.ofMillis(500));
		assertThat(first.token()).isEqualTo("at-1");
		assertThat(first.took()).isEqualTo(Duration.ofMillis(500));
		Instant issuedAt = this.time.now();
		assertThat(state.getExpiresAt()).isEqualTo(issuedAt.plus(TWO_SECONDS));
		this.time.advanceTo(issuedAt.plusMillis(999));
		assertThat(state.readyAuthorizedClient()).isNotNull();
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		assertThat(this.time.endpoint.requests()).hasSize(1);
		this.time.advance(Duration.ofMillis(1));
		assertThat(state.readyAuthorizedClient()).as("due for renewal at the refresh-ahead point").isNull();
		for (int i = 0; i < 50; i++) {
			assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
			this.time.advance(Duration.ofMillis(9));
		}
		assertThat(this.time.endpoint.requestTimes()).containsExactly(VirtualTimeFixture.START,
				issuedAt.plusSeconds(1));
		this.time.advanceTo(issuedAt.plusMillis(1500));
		assertThat(this.time.tokenNow(state)).isEqualTo("at-2");
		assertThat(state.getExpiresAt()).isEqualTo(issuedAt.plusMillis(1500).plus(TWO_SECONDS));
	}

	/**
	 * Steady calls every 10 ms across five lifetimes of a 2 s token with a token endpoint
	 * that takes 500 ms: no call fails or waits, and every token request but the first is
	 * sent exactly at the refresh-ahead point of the token before it.
	 */
	@Test
	void steadyCallsAcrossFiveLifetimesRenewEachTokenExactlyOnceAtItsRefreshAheadPoint() {
		this.time.endpoint.always(delayed(Duration.ofMillis(500), token(TWO_SECONDS)));
		PosTokenState state = state(Duration.ofSeconds(5), Duration.ofSeconds(5));
		Call first = this.time.call(state);
		this.time.advance(Duration.ofMillis(500));
		assertThat(first.token()).isEqualTo("at-1");
		List<Call> calls = new ArrayList<>();
		while (this.time.elapsed().compareTo(Duration.ofSeconds(10)) < 0) {
			calls.add(this.time.call(state));
			this.time.advance(Duration.ofMillis(10));
		}
		assertThat(calls).allSatisfy((call) -> {
			assertThat(call.error()).isNull();
			assertThat(call.took()).isZero();
		});
		List<Instant> requested = this.time.endpoint.requestTimes();
		// token n is issued 500 ms after its request and renewed 1 s later
		assertThat(requested).hasSizeGreaterThanOrEqualTo(6);
		for (int n = 1; n < requested.size(); n++) {
			assertThat(requested.get(n)).as("renewal of token %d", n)
				.isEqualTo(requested.get(n - 1).plusMillis(500).plusSeconds(1));
		}
	}

	/**
	 * A caller that arrives after the hard point, when nobody has renewed yet, starts the
	 * renewal and waits for it; when the token expires before the (slow) renewal arrives,
	 * it keeps waiting until the renewal arrives, not failing at the old token's expiry.
	 */
	@Test
	void callerPastTheHardPointKeepsWaitingForASlowRenewalBeyondExpiry() {
		this.time.endpoint.then(PASSWORD, token(TWO_SECONDS))
			.always(delayed(Duration.ofMillis(600), token(TWO_SECONDS)));
		PosTokenState state = state(Duration.ofSeconds(5), Duration.ofSeconds(5));
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		Instant expiresAt = state.getExpiresAt();
		this.time.advanceTo(expiresAt.minusMillis(150));
		Call call = this.time.call(state);
		this.time.advance(Duration.ofMillis(599));
		assertThat(call.isDone()).as("still waiting after the expiry").isFalse();
		this.time.advance(Duration.ofMillis(1));
		assertThat(call.token()).isEqualTo("at-2");
		assertThat(call.took()).isEqualTo(Duration.ofMillis(600));
		assertThat(this.time.endpoint.requests()).hasSize(2);
	}

	/**
	 * The README: "calls without a valid token fail after at most {@code max-wait}". With
	 * a token endpoint slower than {@code max-wait}, each caller fails exactly at its own
	 * {@code max-wait}, not a moment later, while the one renewal goes on for the next
	 * callers.
	 */
	@Test
	void callerWithoutATokenFailsExactlyAtMaxWait() {
		Duration maxWait = Duration.ofMillis(800);
		this.time.endpoint.always(delayed(Duration.ofSeconds(3), token(TWO_SECONDS)));
		PosTokenState state = state(maxWait, Duration.ofSeconds(5));
		Call first = this.time.call(state);
		this.time.advance(Duration.ofMillis(300));
		Call second = this.time.call(state);
		this.time.advance(maxWait.minusMillis(300).minusMillis(1));
		assertThat(first.isDone()).isFalse();
		this.time.advance(Duration.ofMillis(1));
		assertThat(first.isDone()).isTrue();
		assertThat(first.took()).isEqualTo(maxWait);
		assertThat(first.errorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
		assertThat(first.error().getMessage()).contains("within 800 ms").doesNotContain(VirtualTimeFixture.PASSWORD);
		this.time.advance(Duration.ofMillis(299));
		assertThat(second.isDone()).isFalse();
		this.time.advance(Duration.ofMillis(1));
		assertThat(second.took()).isEqualTo(maxWait);
		assertThat(second.errorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
		assertThat(this.time.endpoint.requests()).as("one renewal for both callers").hasSize(1);
		this.time.advanceTo(VirtualTimeFixture.START.plusSeconds(3));
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
	}

	/**
	 * {@code request-timeout} ends a token request the endpoint never answers: exactly at
	 * the timeout the request is given up, and after the backoff the next one brings a
	 * token to the caller still within its {@code max-wait}.
	 */
	@Test
	void requestTimeoutEndsATokenRequestThatIsNeverAnswered() {
		Duration requestTimeout = Duration.ofSeconds(2);
		this.time.endpoint.then(PASSWORD, never()).always(token(Duration.ofMinutes(1)));
		PosTokenState state = state(Duration.ofSeconds(10), requestTimeout);
		Call call = this.time.call(state);
		this.time.advance(requestTimeout.minusMillis(1));
		assertThat(this.time.endpoint.cancellations()).isEmpty();
		this.time.advance(Duration.ofMillis(1));
		assertThat(this.time.endpoint.cancellations()).containsExactly(VirtualTimeFixture.START.plus(requestTimeout));
		assertThat(state.getTokenEndpointFailure()).isNotNull();
		assertThat(state.getTokenEndpointFailure().getMessage()).contains("did not answer within 2000 ms");
		assertThat(call.isDone()).as("the caller waits on, within its max-wait").isFalse();
		this.time.advance(Duration.ofMillis(1200));
		assertThat(call.token()).isEqualTo("at-1");
		List<Instant> attempts = this.time.endpoint.requestTimes();
		assertThat(attempts).hasSize(2);
		assertThat(Duration.between(attempts.get(0).plus(requestTimeout), attempts.get(1)))
			.as("retry-backoff (1 s ± 20 %%) after the timeout")
			.isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
	}

	/**
	 * Background retries while a valid token is in use double from {@code retry-backoff}
	 * (1 s) up to {@code max-retry-backoff} (16 s) and stay there: 1, 2, 4, 8, 16, 16,
	 * ... seconds, each within the ±20 % jitter. No caller sees a failure meanwhile.
	 */
	@Test
	void backgroundRetriesDoubleUpToMaxRetryBackoff() {
		this.time.endpoint.then(PASSWORD, token(Duration.ofHours(1))).always(unavailable());
		PosTokenState state = this.time.state(VirtualTimeFixture.settings(Duration.ofSeconds(30),
				Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(16), Duration.ofMinutes(1), 3));
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		Instant refreshAt = state.getExpiresAt().minusSeconds(300);
		this.time.advanceTo(refreshAt);
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		this.time.advance(Duration.ofMinutes(3));
		assertThat(this.time.tokenNow(state)).as("the current token stays in use").isEqualTo("at-1");
		List<Instant> attempts = this.time.endpoint.requestTimes();
		assertThat(attempts.get(1)).isEqualTo(refreshAt);
		assertThat(attempts).hasSizeGreaterThan(12);
		for (int i = 2; i < attempts.size(); i++) {
			long nominal = Math.min(1000L << (i - 2), 16_000L);
			assertThat(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis())
				.as("pause after failure %d (attempts at %s)", i - 1, attempts)
				.isBetween(Math.round(nominal * 0.8), Math.round(nominal * 1.2));
		}
	}

	/**
	 * A refresh token the server no longer accepts ({@code invalid_grant}) is replaced by
	 * a password grant inside the same flight: 40 callers waiting after expiry all get
	 * the new token at the same instant and none sees the failure; the refresh token of
	 * the password grant is used for the next renewal.
	 */
	@Test
	void deadRefreshTokenFallsBackToThePasswordGrantWithoutFailingCallers() {
		Duration latency = Duration.ofMillis(100);
		this.time.endpoint.always(PASSWORD, delayed(latency, tokenWithRefreshToken(Duration.ofSeconds(1))))
			.always(REFRESH_TOKEN, delayed(latency, tokenWithRefreshToken(Duration.ofSeconds(1))))
			.then(REFRESH_TOKEN, delayed(latency, oauth2Error("invalid_grant")));
		PosTokenState state = state(Duration.ofSeconds(5), Duration.ofSeconds(5));
		Call warm = this.time.call(state);
		this.time.advance(latency);
		assertThat(warm.token()).isEqualTo("at-1");
		this.time.advanceTo(state.getExpiresAt().plusMillis(20));
		List<Call> callers = IntStream.range(0, 40).mapToObj((i) -> this.time.call(state)).toList();
		this.time.advance(latency.multipliedBy(2));
		assertThat(callers).allSatisfy((call) -> {
			assertThat(call.token()).isEqualTo("at-2");
			assertThat(call.took()).isEqualTo(latency.multipliedBy(2));
		});
		this.time.advanceTo(state.getExpiresAt().plusMillis(20));
		Call later = this.time.call(state);
		this.time.advance(latency);
		assertThat(later.token()).isEqualTo("at-3");
		assertThat(this.time.endpoint.requests()).extracting(Request::grantType)
			.containsExactly(PASSWORD, REFRESH_TOKEN, PASSWORD, REFRESH_TOKEN);
		assertThat(this.time.endpoint.requests()).extracting(Request::refreshToken)
			.containsExactly(null, "rt-1", null, "rt-2");
	}

	/**
	 * A refresh token that may have reached the server with a failed request is never
	 * sent again (the next renewal uses the password grant); one whose request provably
	 * never left (connection refused) is tried again.
	 */
	@Test
	void refreshTokenIsSentAgainOnlyWhenItsRequestProvablyNeverLeft() {
		this.time.endpoint.always(PASSWORD, tokenWithRefreshToken(TWO_SECONDS))
			.always(REFRESH_TOKEN, tokenWithRefreshToken(TWO_SECONDS))
			.then(REFRESH_TOKEN, unavailable(),
					ScriptedTokenEndpoint.failure(TokenEndpointException.Kind.UNAVAILABLE, false, 0, null));
		PosTokenState state = state(Duration.ofSeconds(5), Duration.ofSeconds(5));
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		// rt-1 fails after it was sent: the retry uses the password grant
		renewAfterExpiry(state);
		// rt-2 is refused before it left: the retry sends rt-2 once more
		renewAfterExpiry(state);
		assertThat(this.time.endpoint.requests()).extracting(Request::grantType, Request::refreshToken)
			.containsExactly(tuple(PASSWORD, null), tuple(REFRESH_TOKEN, "rt-1"), tuple(PASSWORD, null),
					tuple(REFRESH_TOKEN, "rt-2"), tuple(REFRESH_TOKEN, "rt-2"));
	}

	private void renewAfterExpiry(PosTokenState state) {
		this.time.advanceTo(state.getExpiresAt().plusMillis(1));
		Call call = this.time.call(state);
		this.time.advance(Duration.ofMillis(1300));
		assertThat(call.token()).startsWith("at-");
	}

	private static org.assertj.core.groups.Tuple tuple(Object... values) {
		return org.assertj.core.groups.Tuple.tuple(values);
	}

	private PosTokenState state(Duration maxWait, Duration requestTimeout) {
		return this.time.state(VirtualTimeFixture.settings(maxWait, requestTimeout, Duration.ofSeconds(1),
				Duration.ofSeconds(8), Duration.ofMinutes(1), 3));
	}

}
