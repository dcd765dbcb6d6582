package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the application context closes, the token state stops its background renewals and
 * retries: with a valid token held and the token endpoint failing with 503, retries run
 * in the background every 100 to 200 ms; after the context is closed the token endpoint's
 * journal does not grow over several backoff periods, while the token would still have
 * been valid (so without the close the retries would have gone on).
 */
class TokenStateShutdownTests {

	private TokenServer tokens;

	private WireMockServer api;

	@BeforeEach
	void startServers() {
		this.tokens = new TokenServer();
		this.api = LifecycleFixture.okApiServer();
	}

	@AfterEach
	void stopServers() {
		this.tokens.close();
		this.api.stop();
	}

	@Test
	void closingTheContextStopsBackgroundRetries() {
		// the first token lives 8 s; every later token request gets 503
		this.tokens.replaceStubs(
				post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).inScenario("outage")
					.whenScenarioStateIs(Scenario.STARTED)
					.willSetStateTo("down")
					.willReturn(TokenServer.issue(8, 0, false)),
				post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).inScenario("outage")
					.whenScenarioStateIs("down")
					.willReturn(aResponse().withStatus(503)));
		Instant[] expiresAt = new Instant[1];
		LifecycleFixture.contextRunner(this.tokens, this.api)
			.withPropertyValues("pos.auth.retry-backoff=100ms", "pos.auth.max-retry-backoff=200ms")
			.run((context) -> {
				WebClient client = context.getBean("posWebClient", WebClient.class);
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThat(get(client)).contains("ok");
				expiresAt[0] = state.getExpiresAt();
				assertThat(expiresAt[0]).isNotNull();
				// past the refresh-ahead point (half of the 8 s lifetime): this call
				// starts the background renewal
				TokenConcurrencyTests.sleepUntil(expiresAt[0].minusMillis(3900));
				assertThat(get(client)).contains("ok");
				await().atMost(Duration.ofSeconds(3))
					.pollInterval(Duration.ofMillis(50))
					.untilAsserted(
							() -> assertThat(this.tokens.journal().size()).as("token requests: first + 3 retries")
								.isGreaterThanOrEqualTo(4));
				context.close();
			});
		// a request in flight at the close may still arrive; after that nothing more
		LifecycleFixture.sleep(300);
		int atClose = this.tokens.journal().size();
		LifecycleFixture.sleep(1500);
		assertThat(Instant.now()).as("the token is still valid, so retries would go on").isBefore(expiresAt[0]);
		assertThat(this.tokens.journal().size()).as("token requests %d ms after the context closed", 1800)
			.isEqualTo(atClose);
	}

	private static String get(WebClient client) {
		return client.get().uri("/orders").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

}
