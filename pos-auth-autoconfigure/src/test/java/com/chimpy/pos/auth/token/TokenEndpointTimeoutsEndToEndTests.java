package com.chimpy.pos.auth.token;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * README promises about time, end to end through the auto-configuration and in real time,
 * to prove the wiring of the properties: {@code pos.auth.request-timeout} ends a token
 * request that gets no answer, {@code pos.auth.connect-timeout} ends a connection attempt
 * that gets no answer, and background retries double from {@code pos.auth.retry-backoff}
 * up to {@code pos.auth.max-retry-backoff}. What is asserted does not depend on how fast
 * the machine is: which token arrives, what the last failure was, and lower bounds of
 * pauses (the backoff's jitter is ±20 %). The exact instants are checked in virtual time
 * by {@link TokenLifecycleVirtualTimeTests}.
 */
class TokenEndpointTimeoutsEndToEndTests {

	@RegisterExtension
	final LifecycleServers servers = new LifecycleServers();

	/**
	 * The first token request is answered only after 4 s; the read timeout (30 s) is
	 * longer, so only the request timeout (1 s) can give it up. The caller gets the token
	 * of a later request within its {@code max-wait}, not the late answer to the first
	 * ({@code at-1}: tokens are numbered as the requests arrive).
	 */
	@Test
	void requestTimeoutGivesUpATokenRequestThatGetsNoAnswer() {
		this.servers.tokens()
			.replaceStubs(
					post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).inScenario("slow first")
						.whenScenarioStateIs(Scenario.STARTED)
						.willSetStateTo("fast")
						.willReturn(TokenServer.issue(60, 4_000, false)),
					post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).inScenario("slow first")
						.whenScenarioStateIs("fast")
						.willReturn(TokenServer.issue(60, 0, false)));
		this.servers.contextRunner()
			.withPropertyValues("pos.auth.request-timeout=1s", "pos.auth.read-timeout=30s", "pos.auth.max-wait=15s",
					"pos.auth.retry-backoff=100ms")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				String token = state.authorizedClient().block(Duration.ofSeconds(18)).getAccessToken().getTokenValue();
				assertThat(token).as("the token of a later request").startsWith("at-").isNotEqualTo("at-1");
			});
	}

	/**
	 * A listening socket whose accept queue is full: the kernel drops further connection
	 * attempts, so only the connect timeout (200 ms) ends them, long before the request
	 * timeout (20 s). The caller fails at its {@code max-wait} naming the connect
	 * timeout, and the failed request is known never to have left.
	 */
	@Test
	void connectTimeoutEndsAConnectionAttemptThatGetsNoAnswer() throws IOException {
		try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			List<Socket> fillers = fillAcceptQueue(full.getLocalPort());
			try {
				String tokenUri = "http://127.0.0.1:" + full.getLocalPort() + LifecycleFixture.TOKEN_PATH;
				this.servers.contextRunner()
					.withPropertyValues("pos.auth.token-uri=" + tokenUri, "pos.auth.connect-timeout=200ms",
							"pos.auth.request-timeout=20s", "pos.auth.max-wait=2s", "pos.auth.retry-backoff=100ms")
					.run((context) -> {
						PosTokenState state = context.getBean(PosTokenState.class);
						assertThatExceptionOfType(ClientAuthorizationException.class)
							.isThrownBy(() -> state.authorizedClient().block(Duration.ofSeconds(25)))
							.satisfies((ex) -> assertThat(ex.getError().getErrorCode())
								.isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE));
						TokenEndpointException failure = state.getTokenEndpointFailure();
						assertThat(failure).as("a connect timeout, not the request timeout").isNotNull();
						assertThat(failure.getMessage()).containsIgnoringCase("connect");
						assertThat(failure.isRequestSent()).isFalse();
					});
			}
			finally {
				for (Socket filler : fillers) {
					filler.close();
				}
			}
		}
	}

	/**
	 * Background retries while a 4 s token is still valid: from its refresh-ahead point
	 * (2 s) the token endpoint answers 503 without {@code Retry-After}. The pauses
	 * between attempts double from 100 ms and are capped at 200 ms: never shorter than
	 * 80, 160, 160, ... ms, and with the cap there are at least six attempts before the
	 * token expires (without it the fifth pause alone would be at least 1.28 s). No call
	 * fails.
	 */
	@Test
	void backgroundRetriesDoubleUpToMaxRetryBackoff() {
		this.servers.tokens().issuing(4, 0, false);
		this.servers.contextRunner()
			.withPropertyValues("pos.auth.retry-backoff=100ms", "pos.auth.max-retry-backoff=200ms")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThat(state.authorizedClient().block(Duration.ofSeconds(10)).getAccessToken().getTokenValue())
					.isEqualTo("at-1");
				Instant expiresAt = state.getExpiresAt();
				this.servers.tokens()
					.replaceStubs(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH))
						.willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
				LifecycleFixture.sleepUntil(expiresAt.minusSeconds(2).plusMillis(50));
				assertThat(state.authorizedClient().block(Duration.ofSeconds(10)).getAccessToken().getTokenValue())
					.isEqualTo("at-1");
				LifecycleFixture.sleepUntil(expiresAt);
				List<Long> all = this.servers.tokens()
					.requests()
					.stream()
					.map((request) -> request.getLoggedDate().getTime())
					.toList();
				List<Long> attempts = this.servers.tokens()
					.requests()
					.stream()
					.skip(1)
					.map((request) -> request.getLoggedDate().getTime())
					.filter((at) -> at < expiresAt.toEpochMilli())
					.toList();
				assertThat(attempts).as("attempts before expiry at %s: %s", expiresAt.toEpochMilli(), all)
					.hasSizeGreaterThanOrEqualTo(6);
				for (int i = 1; i < attempts.size(); i++) {
					long nominal = Math.min(100L << (i - 1), 200L);
					assertThat(attempts.get(i) - attempts.get(i - 1)).as("pause %d in %s", i, attempts)
						.isGreaterThanOrEqualTo(Math.round(nominal * 0.8) - 5);
				}
			});
	}

	/**
	 * Connections that fill the accept queue of a socket that never accepts (on Linux a
	 * backlog of 1 holds two).
	 */
	private static List<Socket> fillAcceptQueue(int port) {
		List<Socket> fillers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Socket socket = new Socket();
			fillers.add(socket);
			try {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
			}
			catch (IOException ex) {
				// the queue is full
				break;
			}
		}
		return fillers;
	}

}
