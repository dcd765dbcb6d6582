package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

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
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token lifecycle end to end, in real time, to prove the wiring: the fallback from a
 * dead refresh token to the password grant through the auto-configured managers, and the
 * optional warm-up. Every wait is on a condition (the token state's counters, a token
 * held), bounded. The renewal points, steady load and slow renewals are covered in
 * virtual time by {@link TokenLifecycleVirtualTimeTests}.
 */
class TokenRenewalLifecycleTests {

	@RegisterExtension
	final LifecycleServers servers = new LifecycleServers();

	/**
	 * A refresh token the server no longer accepts (403 invalid_grant, as Auth0 answers)
	 * is replaced by a password grant inside the same renewal, through the
	 * auto-configured managers and {@code posWebClient}: the call whose token the API
	 * rejected and 40 callers waiting meanwhile all get the new token and none sees the
	 * failure; the refresh token of the password grant is used for the next renewal. The
	 * renewals are started by the API's 401, so nothing waits for a token to expire; the
	 * same fallback at expiry is checked in virtual time by
	 * {@link TokenLifecycleVirtualTimeTests}.
	 */
	@Test
	void deadRefreshTokenFallsBackToThePasswordGrantWithoutFailingCallers() {
		this.servers.tokens()
			.replaceStubs(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).atPriority(1)
				.withRequestBody(matchingJsonPath("$.refresh_token", equalTo("rt-1")))
				.willReturn(aResponse().withStatus(403)
					.withFixedDelay(300)
					.withHeader("Content-Type", "application/json")
					.withBody(
							"{\"error\":\"invalid_grant\",\"error_description\":\"Unknown or invalid refresh token.\"}")),
					post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).atPriority(5)
						.willReturn(TokenServer.issue(3600, 300, true)));
		this.servers.contextRunner().withPropertyValues("pos.auth.scope=offline_access").run((context) -> {
			OAuth2AuthorizedClientManager manager = context.getBean("posAuthorizedClientManager",
					OAuth2AuthorizedClientManager.class);
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			PosTokenState state = context.getBean(PosTokenState.class);
			assertThat(manager.authorize(TokenConcurrencyTests.request("warm")).getAccessToken().getTokenValue())
				.isEqualTo("at-1");
			revoke("at-1");
			Mono<String> rejected = get(webClient).cache();
			rejected.subscribe(null, (ex) -> {
			});
			await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(5))
				.until(() -> state.getUnauthorizedReplays() >= 1);
			List<String> values = TokenConcurrencyTests.onThreads(40,
					(i) -> manager.authorize(TokenConcurrencyTests.request("caller-" + i)));
			assertThat(values).hasSize(40).containsOnly("at-2");
			assertThat(rejected.block(Duration.ofSeconds(10))).contains("ok");
			// the next renewal uses the refresh token that came with the password
			// grant
			revoke("at-2");
			assertThat(get(webClient).block(Duration.ofSeconds(10))).contains("ok");
			assertThat(manager.authorize(TokenConcurrencyTests.request("later")).getAccessToken().getTokenValue())
				.isEqualTo("at-3");
			List<LoggedRequest> requests = this.servers.tokens().requests();
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
	 * nothing is fetched until the first call: an application without warm-up is started
	 * first and kept running, so if it fetched a token at start-up, that would be
	 * {@code at-1} and the other application's {@code at-2}.
	 */
	@Test
	void warmUpFetchesTheTokenWhenTheApplicationIsReady() {
		this.servers.tokens().issuing(60, 0, false);
		try (ConfigurableApplicationContext withoutWarmUp = application(false);
				ConfigurableApplicationContext context = application(true)) {
			PosTokenState state = context.getBean(PosTokenState.class);
			await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(10))
				.until(() -> state.getExpiresAt() != null);
			assertThat(state.readyAuthorizedClient().getAccessToken().getTokenValue()).isEqualTo("at-1");
			assertThat(this.servers.tokens().count()).isEqualTo(1);
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			assertThat(get(webClient).block(Duration.ofSeconds(10))).contains("ok");
			assertThat(this.servers.tokens().count()).isEqualTo(1);
			assertThat(withoutWarmUp.getBean(PosTokenState.class).getExpiresAt()).as("token state without warm-up")
				.isNull();
		}
	}

	/** The API answers 401 to the given token from now on. */
	private void revoke(String accessToken) {
		this.servers.api()
			.stubFor(any(urlPathMatching("/api/v2/.*")).atPriority(1)
				.withHeader("Authorization", equalTo("Bearer " + accessToken))
				.willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Token revoked\"}")));
	}

	private static Mono<String> get(WebClient client) {
		return client.get().uri("/orders").retrieve().bodyToMono(String.class);
	}

	private ConfigurableApplicationContext application(boolean warmUp) {
		return new SpringApplicationBuilder(WarmUpApplication.class).web(WebApplicationType.NONE)
			.properties("pos.auth.token-uri=" + this.servers.tokens().uri(),
					"pos.auth.client-id=" + LifecycleFixture.CLIENT_ID,
					"pos.auth.username=" + LifecycleFixture.USERNAME, "pos.auth.password=" + LifecycleFixture.PASSWORD,
					"pos.api.base-url=" + LifecycleFixture.apiBaseUrl(this.servers.api()), "pos.auth.warm-up=" + warmUp,
					"spring.main.banner-mode=off")
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class })
	static class WarmUpApplication {

	}

}
