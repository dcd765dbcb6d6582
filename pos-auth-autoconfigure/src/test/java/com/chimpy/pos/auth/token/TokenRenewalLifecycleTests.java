package com.chimpy.pos.auth.token;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;
import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token lifecycle end to end, in real time, to prove the wiring: the fallback from a
 * dead refresh token to the password grant through the auto-configured managers, and the
 * optional warm-up. The renewal points, steady load and slow renewals are covered in
 * virtual time by {@link TokenLifecycleVirtualTimeTests}.
 */
class TokenRenewalLifecycleTests {

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

	/**
	 * A refresh token the server no longer accepts (403 invalid_grant, as Auth0 answers)
	 * is replaced by a password grant inside the same flight: 40 callers waiting after
	 * expiry all get the new token and none sees the failure; the refresh token of the
	 * password grant is used for the next renewal.
	 */
	@Test
	void deadRefreshTokenFallsBackToThePasswordGrantWithoutFailingCallers() {
		this.tokens.replaceStubs(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).atPriority(1)
			.withRequestBody(matchingJsonPath("$.refresh_token", equalTo("rt-1")))
			.willReturn(aResponse().withStatus(403)
				.withFixedDelay(100)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}")),
				post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).atPriority(5)
					.willReturn(TokenServer.issue(1, 100, true)));
		LifecycleFixture.contextRunner(this.tokens, this.api)
			.withPropertyValues("pos.auth.scope=offline_access")
			.run((context) -> {
				OAuth2AuthorizedClientManager manager = context.getBean("posAuthorizedClientManager",
						OAuth2AuthorizedClientManager.class);
				WebClient webClient = context.getBean("posWebClient", WebClient.class);
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThat(manager.authorize(TokenConcurrencyTests.request("warm")).getAccessToken().getTokenValue())
					.isEqualTo("at-1");
				TokenConcurrencyTests.sleepUntil(state.getExpiresAt().plusMillis(20));
				List<String> values = TokenConcurrencyTests.onThreads(40,
						(i) -> manager.authorize(TokenConcurrencyTests.request("caller-" + i)));
				assertThat(values).hasSize(40).containsOnly("at-2");
				assertThat(webClient.get().uri("/orders").retrieve().bodyToMono(String.class).block()).contains("ok");
				// the next renewal uses the refresh token that came with the password
				// grant
				TokenConcurrencyTests.sleepUntil(state.getExpiresAt().plusMillis(20));
				assertThat(manager.authorize(TokenConcurrencyTests.request("later")).getAccessToken().getTokenValue())
					.isEqualTo("at-3");
				List<LoggedRequest> requests = this.tokens.requests();
				assertThat(requests).extracting(LifecycleFixture::grantType)
					.containsExactly("password", "refresh_token", "password", "refresh_token");
				assertThat(requests)
					.extracting((request) -> LifecycleFixture.body(request).has("refresh_token")
							? LifecycleFixture.body(request).get("refresh_token").asString() : null)
					.containsExactly(null, "rt-1", null, "rt-2");
			});
	}

	/**
	 * With {@code pos.auth.warm-up=true} the token is fetched when the application is
	 * ready, before any call; the first call then sends no token request. Without it
	 * nothing is fetched until the first call.
	 */
	@Test
	void warmUpFetchesTheTokenWhenTheApplicationIsReady() throws Exception {
		this.tokens.issuing(60, 0, false);
		try (ConfigurableApplicationContext context = application(true)) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (this.tokens.journal().isEmpty() && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertThat(this.tokens.count()).isEqualTo(1);
			PosTokenState state = context.getBean(PosTokenState.class);
			awaitToken(state);
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			assertThat(webClient.get().uri("/orders").retrieve().bodyToMono(String.class).block()).contains("ok");
			assertThat(this.tokens.count()).isEqualTo(1);
		}
		try (ConfigurableApplicationContext context = application(false)) {
			Thread.sleep(300);
			assertThat(this.tokens.count()).as("token requests without warm-up").isEqualTo(1);
			assertThat(context.getBean(PosTokenState.class).getExpiresAt()).isNull();
		}
	}

	private ConfigurableApplicationContext application(boolean warmUp) {
		return new SpringApplicationBuilder(WarmUpApplication.class).web(WebApplicationType.NONE)
			.properties("pos.auth.token-uri=" + this.tokens.uri(), "pos.auth.client-id=" + LifecycleFixture.CLIENT_ID,
					"pos.auth.username=" + LifecycleFixture.USERNAME, "pos.auth.password=" + LifecycleFixture.PASSWORD,
					"pos.api.base-url=" + LifecycleFixture.apiBaseUrl(this.api), "pos.auth.warm-up=" + warmUp,
					"spring.main.banner-mode=off")
			.run();
	}

	private static void awaitToken(PosTokenState state) throws InterruptedException {
		Instant deadline = Instant.now().plusSeconds(5);
		while (state.getExpiresAt() == null && Instant.now().isBefore(deadline)) {
			Thread.sleep(10);
		}
		assertThat(state.getExpiresAt()).isNotNull();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class })
	static class WarmUpApplication {

	}

}
