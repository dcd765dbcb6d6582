package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rejected credentials never get near the authorization server's lockout (Auth0 blocks a
 * user after 10 failed logins): continuous calls with a wrong password send at most
 * {@code max-credential-rejections} password grants; {@code too_many_attempts} stops at
 * once; {@link PosTokenState#reset()} allows a new attempt.
 * <p>
 * Time compression: the requirement speaks of 60 s of continuous calls with the default
 * rejection backoff of one minute. These tests use a rejection backoff of 200 ms, so the
 * pauses after the first and second rejection (200 ms and 400 ms) have long elapsed
 * within 3 s of continuous calls: the calls go on for about five times the sum of all
 * pauses, as 60 s do not even reach the end of the first default pause. What is asserted
 * does not depend on the duration: once the limit is reached the count no longer grows,
 * however long the calls go on.
 */
class CredentialRejectionLifecycleTests {

	private static final String INVALID_GRANT = "{\"error\":\"invalid_grant\",\"error_description\":\"Wrong email or password.\"}";

	private TokenServer tokens;

	@BeforeEach
	void startServer() {
		this.tokens = new TokenServer();
	}

	@AfterEach
	void stopServer() {
		this.tokens.close();
	}

	@Test
	void wrongPasswordUnderContinuousCallsReachesTheServerAtMostMaxRejectionsTimes() throws Exception {
		rejectWith(403, INVALID_GRANT);
		PosTokenState state = state(3);
		List<ClientAuthorizationException> failures = callContinuously(state, Duration.ofSeconds(3));

		List<LoggedRequest> requests = this.tokens.requests();
		assertThat(requests).hasSize(3).allMatch((request) -> "password".equals(LifecycleFixture.grantType(request)));
		// spaced out exponentially: 200 ms, then 400 ms
		long first = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
		long second = requests.get(2).getLoggedDate().getTime() - requests.get(1).getLoggedDate().getTime();
		assertThat(first).isGreaterThanOrEqualTo(190);
		assertThat(second).isGreaterThanOrEqualTo(390);
		assertThat(state.isStopped()).isTrue();
		assertThat(state.getCredentialRejection().getErrorCode()).isEqualTo("invalid_grant");
		assertThat(failures).isNotEmpty().allSatisfy((ex) -> {
			assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant");
			assertThat(String.valueOf(ex.getMessage())).doesNotContain(LifecycleFixture.PASSWORD);
		});
		assertThat(state.toString()).doesNotContain(LifecycleFixture.PASSWORD);

		// reset: exactly one new attempt reaches the server
		state.reset();
		assertThat(state.isStopped()).isFalse();
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> state.authorizedClient().block(Duration.ofSeconds(5)))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant"));
		assertThat(this.tokens.count()).isEqualTo(4);

		// the credentials are corrected on the server side: after the pause and a reset,
		// a token
		this.tokens.issuing(60, 0, false);
		state.reset();
		assertThat(state.authorizedClient().block(Duration.ofSeconds(5)).getAccessToken().getTokenValue())
			.isEqualTo("at-1");
		assertThat(state.getCredentialRejection()).isNull();
		assertThat(this.tokens.count()).isEqualTo(5);
	}

	@Test
	void tooManyAttemptsStopsAtOnce() throws Exception {
		rejectWith(429, "{\"error\":\"too_many_attempts\",\"error_description\":\"Your account has been blocked.\"}");
		PosTokenState state = state(3);
		List<ClientAuthorizationException> failures = callContinuously(state, Duration.ofSeconds(1));
		assertThat(this.tokens.count()).isEqualTo(1);
		assertThat(state.isStopped()).isTrue();
		assertThat(failures).isNotEmpty()
			.allSatisfy((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("too_many_attempts"));
		state.reset();
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> state.authorizedClient().block(Duration.ofSeconds(5)));
		assertThat(this.tokens.count()).isEqualTo(2);
	}

	/**
	 * A limit of 1 stops after the first rejection.
	 */
	@Test
	void aLimitOfOneStopsAfterTheFirstRejection() throws Exception {
		rejectWith(403, INVALID_GRANT);
		PosTokenState state = state(1);
		callContinuously(state, Duration.ofMillis(800));
		assertThat(this.tokens.count()).isEqualTo(1);
		assertThat(state.isStopped()).isTrue();
	}

	private void rejectWith(int status, String body) {
		this.tokens.replaceStubs(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private PosTokenState state(int maxRejections) {
		return LifecycleFixture.tokenState(
				this.tokens.uri(), null, LifecycleFixture.settings(Duration.ofSeconds(1), Duration.ofSeconds(1),
						Duration.ofMillis(100), Duration.ofMillis(200), maxRejections),
				Duration.ofMillis(500), Duration.ofMillis(500));
	}

	/**
	 * Four threads call without pause for the given time; every call must fail with a
	 * {@link ClientAuthorizationException} in bounded time.
	 */
	private static List<ClientAuthorizationException> callContinuously(PosTokenState state, Duration duration)
			throws InterruptedException {
		List<ClientAuthorizationException> failures = Collections.synchronizedList(new ArrayList<>());
		List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger calls = new AtomicInteger();
		long end = System.nanoTime() + duration.toNanos();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		for (int i = 0; i < 4; i++) {
			pool.submit(() -> {
				while (System.nanoTime() < end) {
					calls.incrementAndGet();
					try {
						state.authorizedClient().block(Duration.ofSeconds(3));
						unexpected.add(new AssertionError("a call got a token"));
					}
					catch (ClientAuthorizationException ex) {
						failures.add(ex);
					}
					catch (Throwable ex) {
						unexpected.add(ex);
					}
					LifecycleFixture.sleep(2);
				}
			});
		}
		pool.shutdown();
		assertThat(pool.awaitTermination(duration.toSeconds() + 10, TimeUnit.SECONDS)).isTrue();
		assertThat(unexpected).isEmpty();
		assertThat(failures).hasSize(calls.get());
		return failures;
	}

}
