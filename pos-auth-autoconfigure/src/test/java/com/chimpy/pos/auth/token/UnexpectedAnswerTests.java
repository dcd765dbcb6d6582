package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.health.PosAuthHealthIndicator;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Only an OAuth2 error ({@code error} in a JSON body) is a verdict on the credentials
 * (hardening item 2). An answer from something between pos-auth and the authorization
 * server (a proxy's 408, a firewall's HTML 403, a 404 page, an empty 400, a 401 without
 * JSON) is an outage: retried with the outage backoff, never counted towards
 * {@code max-credential-rejections}, health never DOWN for it (UP, with
 * {@code tokenEndpoint} = {@code unexpected_response} and {@code lastError} =
 * {@code invalid_token_response}), observed with outcome {@code unexpected_response}; the
 * callers fail with {@code invalid_token_response} and a message saying the token
 * endpoint answered HTTP nnn without an OAuth2 error. Once the endpoint answers with a
 * token again, the next call gets it.
 * <p>
 * The OAuth2 error codes that are verdicts on the credentials still count, and
 * {@code too_many_attempts} still stops at once. Token requests are read from the stub
 * sandbox's journal.
 */
class UnexpectedAnswerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	enum Unexpected {

		REQUEST_TIMEOUT_408(408, Fault.answer(408, Map.of(), "")),

		HTML_403(403,
				Fault.answer(403, Map.of("Content-Type", "text/html"),
						"<html><body><h1>403 Forbidden</h1>Request blocked by the firewall.</body></html>")),

		HTML_404(404,
				Fault.answer(404, Map.of("Content-Type", "text/html"), "<html><body><h1>Not Found</h1></body></html>")),

		EMPTY_400(400, Fault.answer(400, Map.of(), "")),

		PLAIN_401(401, Fault.answer(401, Map.of("Content-Type", "text/plain"), "Unauthorized")
			.withHeader("WWW-Authenticate", "Basic realm=\"proxy\""));

		private final int status;

		private final Fault answer;

		Unexpected(int status, Fault answer) {
			this.status = status;
			this.answer = answer;
		}

	}

	/** Warms up the JVM, see {@link UnexpectedAnswerFixture#warmUp(PosSandbox)}. */
	@BeforeAll
	static void warmUp() {
		UnexpectedAnswerFixture.warmUp(sandbox());
	}

	private ApplicationContextRunner runner(String... more) {
		return UnexpectedAnswerFixture.runner(sandbox(), this.observations, more);
	}

	/**
	 * Calls in a tight loop for 1.5 s with {@code max-credential-rejections=2},
	 * {@code rejection-backoff} 100 ms, {@code retry-backoff} 250 ms (not growing) and
	 * {@code max-wait} 200 ms: more answers than {@code max-credential-rejections} arrive
	 * and the password grant still goes out. Then the endpoint answers with a token and a
	 * later call gets it.
	 */
	@ParameterizedTest
	@EnumSource(Unexpected.class)
	void answerWithoutOAuth2ErrorIsAnOutageNeverACredentialVerdict(Unexpected unexpected) {
		sandbox().tokenEndpoint().failAlways(unexpected.answer);
		runner("pos.auth.retry-backoff=250ms", "pos.auth.max-retry-backoff=250ms", "pos.auth.max-wait=200ms",
				"pos.auth.max-credential-rejections=2", "pos.auth.rejection-backoff=100ms")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				List<Object> results = LifecycleFixture.callFor(state, Duration.ofMillis(1500));
				List<ServeEvent> requests = PosSandboxFixture.settledTokenRequests(sandbox());
				assertThat(requests.size()).as("password grants sent; must go on past max-credential-rejections (2)")
					.isGreaterThan(3);
				UnexpectedAnswerFixture.assertPasswordGrantsSpacedBy(requests,
						"spaced by the outage backoff (250 ms, jitter 20%%)", 170);
				assertThat(new LinkedHashSet<>(results)).as("results of all %d calls", results.size())
					.containsExactly(PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
				UnexpectedAnswerFixture.assertAnOutageNotACredentialVerdict(context, this.observations);
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> state.authorizedClient().block(TIMEOUT))
					.satisfies((ex) -> assertThat(ex.getMessage()).contains("HTTP " + unexpected.status)
						.contains("without an OAuth2 error")
						.doesNotContain(PosSandboxFixture.PASSWORD));

				// the firewall lets requests through again
				UnexpectedAnswerFixture.assertRecoversOnceATokenIsIssued(sandbox(), context);
				List<Map<String, String>> bodies = sandbox().tokenRequestBodies();
				assertThat(bodies.get(bodies.size() - 1)).containsEntry("grant_type", "password");
			});
	}

	/**
	 * With a {@code retry-backoff} (10 s) beyond {@code max-wait} (4 s, ample for a cold
	 * first request) the caller fails at once after one request, with the code and
	 * message of that answer.
	 */
	@ParameterizedTest
	@EnumSource(Unexpected.class)
	void callerFailsAtOnceWhenTheNextAttemptLiesBeyondMaxWait(Unexpected unexpected) {
		sandbox().tokenEndpoint().failAlways(unexpected.answer);
		runner("pos.auth.retry-backoff=10s", "pos.auth.max-retry-backoff=10s", "pos.auth.max-wait=4s",
				"pos.auth.max-credential-rejections=1")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				for (int i = 0; i < 3; i++) {
					assertThatExceptionOfType(ClientAuthorizationException.class)
						.isThrownBy(() -> state.authorizedClient().block(TIMEOUT))
						.satisfies((ex) -> {
							assertThat(ex.getError().getErrorCode())
								.isEqualTo(PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
							assertThat(ex.getMessage()).contains("HTTP " + unexpected.status)
								.contains("without an OAuth2 error");
						});
				}
				assertThat(PosSandboxFixture.settledTokenRequests(sandbox()).size()).isEqualTo(1);
				assertThat(state.isStopped()).as("max-credential-rejections=1, yet not stopped").isFalse();
				assertThat(context.getBean(PosAuthHealthIndicator.class).health().getDetails())
					.doesNotContainKey("error");
			});
	}

	/**
	 * The OAuth2 errors that are verdicts on the credentials count towards
	 * {@code max-credential-rejections} (2): continuous calls send two password grants,
	 * then stop; health is DOWN with the code.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "invalid_grant", "invalid_client", "unauthorized_client", "unauthorized", "access_denied",
			"mfa_required" })
	void oauth2ErrorOnThePasswordGrantIsAVerdict(String errorCode) {
		int status = errorCode.equals("invalid_client") ? 401 : 403;
		sandbox().tokenEndpoint().failAlways(Fault.oauthError(status, errorCode, "Rejected."));
		runner("pos.auth.max-credential-rejections=2", "pos.auth.rejection-backoff=50ms").run((context) -> {
			PosTokenState state = context.getBean(PosTokenState.class);
			List<Object> results = LifecycleFixture.callFor(state, Duration.ofMillis(600));
			assertThat(new LinkedHashSet<>(results)).containsExactly(errorCode);
			assertThat(PosSandboxFixture.settledTokenRequests(sandbox()).size()).isEqualTo(2);
			assertThat(state.isStopped()).isTrue();
			assertThat(state.getCredentialRejection().getErrorCode()).isEqualTo(errorCode);
			Health health = context.getBean(PosAuthHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("error", errorCode);
			assertThat(LifecycleFixture.tokenObservations(this.observations))
				.containsExactly("password/rejected/" + errorCode, "password/rejected/" + errorCode);
		});
	}

	@ParameterizedTest
	@ValueSource(ints = { 429, 403 })
	void tooManyAttemptsStopsAtOnce(int status) {
		sandbox().tokenEndpoint().failAlways(Fault.oauthError(status, "too_many_attempts", "The user is blocked."));
		runner("pos.auth.max-credential-rejections=3", "pos.auth.rejection-backoff=50ms").run((context) -> {
			PosTokenState state = context.getBean(PosTokenState.class);
			List<Object> results = LifecycleFixture.callFor(state, Duration.ofMillis(400));
			assertThat(new LinkedHashSet<>(results)).containsExactly("too_many_attempts");
			assertThat(PosSandboxFixture.settledTokenRequests(sandbox()).size()).isEqualTo(1);
			assertThat(state.isStopped()).isTrue();
			assertThat(context.getBean(PosAuthHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

}
