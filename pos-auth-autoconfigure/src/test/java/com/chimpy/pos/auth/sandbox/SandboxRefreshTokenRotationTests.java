package com.chimpy.pos.auth.sandbox;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import com.chimpy.pos.auth.test.EnablePosSandbox;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against the sandbox, which rotates refresh tokens and revokes the whole family when a
 * superseded one is reused (as Auth0 does): many renewals in a row each use the newest
 * refresh token, none is sent twice, and the family is never revoked (which would show as
 * a second password grant).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EnablePosSandbox
class SandboxRefreshTokenRotationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Autowired
	private PosSandbox sandbox;

	@Autowired
	private PosTokenState tokenState;

	@Autowired
	@Qualifier("posWebClient")
	private WebClient posWebClient;

	@BeforeEach
	void resetJournal() {
		this.sandbox.resetJournal();
	}

	@Test
	void fiftyRenewalsInARowEachUseTheNewestRefreshTokenAndNoneIsReused() {
		String firstToken = whoami().path("jti").asString();
		for (int i = 0; i < 50; i++) {
			OAuth2AuthorizedClient current = this.tokenState.authorizedClient().block(TIMEOUT);
			OAuth2AuthorizedClient renewed = this.tokenState.authorizedClientReplacing(current.getAccessToken())
				.block(TIMEOUT);
			assertThat(renewed.getAccessToken().getTokenValue()).isNotEqualTo(current.getAccessToken().getTokenValue());
			// As the bearer filter does when a request with the new token succeeds.
			this.tokenState.tokenAccepted(renewed.getAccessToken());
		}
		String lastToken = whoami().path("jti").asString();

		List<String> sent = this.sandbox.refreshTokensSent();
		assertThat(sent).hasSize(50);
		assertThat(new HashSet<>(sent)).as("no refresh token is sent twice").hasSize(50);
		assertThat(this.sandbox.tokenRequests("refresh_token")).isEqualTo(50);
		assertThat(this.sandbox.tokenRequests("password")).as("the refresh token family was never revoked")
			.isEqualTo(1);
		assertThat(lastToken).isNotEqualTo(firstToken);
	}

	@Test
	void aRevokedRefreshTokenFallsBackToThePasswordGrantAndTheCallSucceeds() {
		whoami();
		this.sandbox.revokeAllTokens();
		this.sandbox.resetJournal();

		JsonNode me = whoami();

		assertThat(me.path("sub").asString()).isEqualTo(PosSandbox.DEFAULT_USERNAME);
		assertThat(this.sandbox.apiRequests(401)).isEqualTo(1);
		assertThat(this.sandbox.tokenRequests("refresh_token")).isEqualTo(1);
		assertThat(this.sandbox.tokenRequests("password")).isEqualTo(1);
		List<Map<String, String>> bodies = this.sandbox.tokenRequestBodies();
		assertThat(bodies).extracting((body) -> body.get("grant_type")).containsExactly("refresh_token", "password");
	}

	private JsonNode whoami() {
		return this.posWebClient.get().uri("/whoami").retrieve().bodyToMono(JsonNode.class).block(TIMEOUT);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
