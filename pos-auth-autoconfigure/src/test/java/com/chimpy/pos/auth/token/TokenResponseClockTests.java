package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token state on an injected clock counts a new token's life on that clock, although
 * Spring Security's token response stamps the system time: its renewal points are in the
 * clock's time.
 */
class TokenResponseClockTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private WireMockServer server;

	@BeforeEach
	void startServer() {
		this.server = LifecycleFixture.apiServer();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void tokenLifeIsCountedOnTheTokenStatesClock() {
		this.server.stubFor(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH))
			.willReturn(okJson("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}")));
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		PosTokenResponseClient client = new PosTokenResponseClient(WebClient.create(), TokenRequestFormat.JSON, null);
		client.setClock(clock);
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId(LifecycleFixture.CLIENT_ID)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri("http://127.0.0.1:" + this.server.port() + LifecycleFixture.TOKEN_PATH)
			.build();
		PosTokenState state = new PosTokenState(registration,
				new PasswordGrantReactiveAuthorizedClientProvider(client, LifecycleFixture.USERNAME,
						LifecycleFixture.PASSWORD),
				new RefreshTokenGrantReactiveAuthorizedClientProvider(client), TokenRenewalSettings.defaults(), clock,
				Schedulers.parallel());
		OAuth2AccessToken token = state.authorizedClient().block(Duration.ofSeconds(10)).getAccessToken();
		assertThat(token.getIssuedAt()).isEqualTo(NOW);
		assertThat(token.getExpiresAt()).isEqualTo(NOW.plusSeconds(60));
		assertThat(state.getExpiresAt()).isEqualTo(NOW.plusSeconds(60));
		assertThat(state.readyAuthorizedClient()).as("before the refresh-ahead point on the state's clock").isNotNull();
	}

}
