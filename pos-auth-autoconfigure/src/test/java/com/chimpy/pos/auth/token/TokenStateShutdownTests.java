package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;
import com.chimpy.pos.auth.token.VirtualTimeFixture.Call;

import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.PASSWORD;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.delayed;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.token;
import static com.chimpy.pos.auth.token.ScriptedTokenEndpoint.unavailable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * When the application context closes, the token state stops its background renewals and
 * retries. In virtual time: with a valid token held and the token endpoint failing,
 * retries run in the background every 100 to 240 ms; {@link PosTokenState#close()} gives
 * up the request in flight at that instant and no request follows over the rest of the
 * token's life. In real time, once: closing the context closes the state.
 */
class TokenStateShutdownTests {

	private static final Duration LIFETIME = Duration.ofSeconds(8);

	private static final Duration LATENCY = Duration.ofMillis(50);

	@Test
	void closeStopsBackgroundRetriesAndGivesUpTheRequestInFlight() {
		try (VirtualTimeFixture time = new VirtualTimeFixture()) {
			// the first token lives 8 s; every later token request fails after 50 ms
			time.endpoint.then(PASSWORD, token(LIFETIME)).always(delayed(LATENCY, unavailable()));
			PosTokenState state = time.state(VirtualTimeFixture.settings(Duration.ofSeconds(30), Duration.ofSeconds(20),
					Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMinutes(1), 3));
			assertThat(time.tokenNow(state)).isEqualTo("at-1");
			Instant expiresAt = state.getExpiresAt();
			assertThat(expiresAt).isEqualTo(VirtualTimeFixture.START.plus(LIFETIME));
			// the refresh-ahead point (half of the 8 s lifetime): this call starts the
			// background renewal
			time.advanceTo(expiresAt.minus(LIFETIME.dividedBy(2)));
			assertThat(time.tokenNow(state)).isEqualTo("at-1");
			// on until the first request + 3 retries, and the close while the last one
			// waits for its answer
			Instant limit = time.now().plusSeconds(2);
			while (time.endpoint.requests().size() < 5 || !lastRequestAt(time).equals(time.now())) {
				assertThat(time.now()).as("requests: %s", time.endpoint.requests()).isBefore(limit);
				time.advance(Duration.ofMillis(1));
			}
			Instant closedAt = time.now();
			assertThat(time.endpoint.cancellations()).isEmpty();
			state.close();
			assertThat(time.endpoint.cancellations()).as("the request in flight is given up at the close")
				.containsExactly(closedAt);
			List<ScriptedTokenEndpoint.Request> atClose = time.endpoint.requests();
			// the token would still be valid, so without the close retries would go on
			time.advanceTo(expiresAt.minusMillis(1));
			assertThat(time.endpoint.requests()).as("token requests after the close").isEqualTo(atClose);
			Call later = time.call(state);
			assertThat(later.isDone()).isTrue();
			assertThat(time.endpoint.requests()).as("token requests after the close").isEqualTo(atClose);
		}
	}

	@Test
	void closingTheContextClosesTheTokenState() {
		try (TokenServer tokens = new TokenServer()) {
			WireMockServer api = LifecycleFixture.okApiServer();
			try {
				tokens.issuing(60, 0, false);
				LifecycleFixture.contextRunner(tokens, api).run((context) -> {
					PosTokenState state = context.getBean(PosTokenState.class);
					context.close();
					assertThatExceptionOfType(ClientAuthorizationException.class)
						.isThrownBy(() -> state.authorizedClient().block(Duration.ofSeconds(5)))
						.withMessageContaining("is closed");
				});
				assertThat(tokens.journal()).as("token requests of a closed state").isEmpty();
			}
			finally {
				api.stop();
			}
		}
	}

	private static Instant lastRequestAt(VirtualTimeFixture time) {
		List<Instant> times = time.endpoint.requestTimes();
		return times.get(times.size() - 1);
	}

}
