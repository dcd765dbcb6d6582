package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.token.VirtualTimeFixture.Call;

import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.PASSWORD;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.oauth2Error;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rejected credentials never get near the authorization server's lockout (Auth0 blocks a
 * user after 10 failed logins): continuous calls with a wrong password send at most
 * {@code max-credential-rejections} password grants, spaced by {@code rejection-backoff}
 * doubling; {@code too_many_attempts} stops at once; {@link PosTokenState#reset()} allows
 * a new attempt.
 * <p>
 * In virtual time with the default rejection backoff of one minute: a call every 100 ms
 * for ten minutes (far beyond the pauses of 1 and 2 minutes) reaches the server exactly
 * at 0, 1 and 3 minutes, and never again. Every call fails at once.
 */
class CredentialRejectionLifecycleTests {

	private static final Duration REJECTION_BACKOFF = Duration.ofMinutes(1);

	@RegisterExtension
	final VirtualTimeFixture time = new VirtualTimeFixture();

	@Test
	void wrongPasswordUnderContinuousCallsReachesTheServerAtMostMaxRejectionsTimes() {
		this.time.endpoint.always(PASSWORD, oauth2Error("invalid_grant"));
		PosTokenState state = state(3);
		List<Call> calls = callContinuously(state, Duration.ofMinutes(10));
		Instant start = VirtualTimeFixture.START;
		assertThat(this.time.endpoint.requestTimes()).containsExactly(start, start.plus(REJECTION_BACKOFF),
				start.plus(REJECTION_BACKOFF.multipliedBy(3)));
		assertThat(state.isStopped()).isTrue();
		assertThat(state.getCredentialRejection().getErrorCode()).isEqualTo("invalid_grant");
		assertThat(calls).allSatisfy((call) -> {
			assertThat(call.took()).isZero();
			assertThat(call.errorCode()).isEqualTo("invalid_grant");
			assertThat(String.valueOf(call.error().getMessage())).doesNotContain(VirtualTimeFixture.PASSWORD);
		});
		assertThat(state.toString()).doesNotContain(VirtualTimeFixture.PASSWORD);

		// reset: exactly one new attempt reaches the server
		state.reset();
		assertThat(state.isStopped()).isFalse();
		Call afterReset = this.time.call(state);
		assertThat(afterReset.errorCode()).isEqualTo("invalid_grant");
		assertThat(this.time.endpoint.requests()).hasSize(4);

		// the credentials are corrected on the server side: after a reset, a token
		this.time.endpoint.always(PASSWORD, token(Duration.ofMinutes(1)));
		state.reset();
		assertThat(this.time.tokenNow(state)).isEqualTo("at-1");
		assertThat(state.getCredentialRejection()).isNull();
		assertThat(this.time.endpoint.requests()).hasSize(5);
	}

	@Test
	void tooManyAttemptsStopsAtOnce() {
		this.time.endpoint.always(PASSWORD, oauth2Error(PosTokenResponseClient.TOO_MANY_ATTEMPTS));
		PosTokenState state = state(3);
		List<Call> calls = callContinuously(state, Duration.ofMinutes(5));
		assertThat(this.time.endpoint.requests()).hasSize(1);
		assertThat(state.isStopped()).isTrue();
		assertThat(calls)
			.allSatisfy((call) -> assertThat(call.errorCode()).isEqualTo(PosTokenResponseClient.TOO_MANY_ATTEMPTS));
		state.reset();
		assertThat(this.time.call(state).error()).isNotNull();
		assertThat(this.time.endpoint.requests()).hasSize(2);
	}

	/**
	 * A limit of 1 stops after the first rejection.
	 */
	@Test
	void aLimitOfOneStopsAfterTheFirstRejection() {
		this.time.endpoint.always(PASSWORD, oauth2Error("invalid_grant"));
		PosTokenState state = state(1);
		callContinuously(state, Duration.ofMinutes(5));
		assertThat(this.time.endpoint.requests()).hasSize(1);
		assertThat(state.isStopped()).isTrue();
	}

	private PosTokenState state(int maxRejections) {
		return this.time.state(VirtualTimeFixture.settings(Duration.ofSeconds(30), Duration.ofSeconds(20),
				Duration.ofSeconds(1), Duration.ofMinutes(2), REJECTION_BACKOFF, maxRejections));
	}

	/**
	 * A call every 100 ms (virtual) for the given time; every call must have failed by
	 * the time the next one starts.
	 */
	private List<Call> callContinuously(PosTokenState state, Duration duration) {
		List<Call> calls = new ArrayList<>();
		Instant end = this.time.now().plus(duration);
		while (this.time.now().isBefore(end)) {
			Call call = this.time.call(state);
			calls.add(call);
			this.time.advance(Duration.ofMillis(100));
			assertThat(call.error()).as("%s", call).isNotNull();
		}
		return calls;
	}

}
