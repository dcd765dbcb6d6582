package com.chimpy.pos.auth.interop.keycloak;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 401 from the PoS API after an administrator ended the user's sessions in Keycloak:
 * the access token is still well signed and unexpired, but Keycloak's introspection no
 * longer calls it active, so the API stub refuses it.
 */
@ExtendWith(KeycloakExtension.class)
class SessionLogoutInteropTests {

	@Test
	void requestRefusedAfterAnAdminLogoutIsReplayedOnceWithANewToken(KeycloakServer keycloak) {
		KeycloakAdmin admin = keycloak.admin();
		String userId = admin.userId("logout-clerk");
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front, Map.of("pos.auth.client-id",
						"pos-public", "pos.auth.username", "logout-clerk", "pos.auth.password", "logout-password"))) {
			assertThat(application.get("/whoami").getStatusCode()).isEqualTo(HttpStatus.OK);
			String firstToken = front.tokenExchanges().get(0).issuedAccessToken();

			admin.logout(userId);
			assertThat(admin.sessions(userId)).isEmpty();
			ResponseEntity<String> afterLogout = application.get("/whoami");

			// The caller never sees the 401.
			assertThat(afterLogout.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(afterLogout.getBody()).contains("\"user\":\"logout-clerk\"");
			List<KeycloakFront.TokenExchange> exchanges = front.tokenExchanges();
			// The renewal tried the refresh token first: Keycloak refused it (the session
			// is gone) and pos-auth
			// fell back to the password grant in the same flight.
			assertThat(exchanges).extracting(KeycloakFront.TokenExchange::grantType)
				.containsExactly("password", "refresh_token", "password");
			assertThat(exchanges).extracting(KeycloakFront.TokenExchange::status).containsExactly(200, 400, 200);
			assertThat(exchanges.get(1).error()).isEqualTo("invalid_grant");
			assertThat(exchanges.get(1).sentRefreshToken()).isEqualTo(exchanges.get(0).issuedRefreshToken());
			String secondToken = exchanges.get(2).issuedAccessToken();
			assertThat(secondToken).isNotEqualTo(firstToken);
			// The API saw the old token accepted, then refused once, then the replay with
			// the new one.
			List<KeycloakFront.ApiCall> calls = front.apiCalls();
			assertThat(calls).extracting(KeycloakFront.ApiCall::status).containsExactly(200, 401, 200);
			assertThat(calls).extracting(KeycloakFront.ApiCall::bearer)
				.containsExactly(firstToken, firstToken, secondToken);
			// Keycloak: a new session, the one of the new token.
			assertThat(admin.sessions(userId)).singleElement()
				.satisfies(
						(session) -> assertThat(session).containsEntry("id", TokenClaims.of(secondToken).get("sid")));

			assertThat(application.counter("pos.auth.unauthorized.replays")).isEqualTo(1);
			assertThat(application.counter("pos.auth.unauthorized.held.back")).isZero();
			// A refused refresh token says nothing against the credentials.
			assertThat(application.gauge("pos.auth.credential.guard")).isZero();
			assertThat(application.health().getStatus()).isEqualTo(Status.UP);
			assertThat(application.health().getDetails()).doesNotContainKeys("error", "tokenEndpoint");
			assertThat(application.gauge("pos.auth.token.expires.in")).isGreaterThan(0).isLessThanOrEqualTo(300);
		}
	}

	@Test
	void secondAdminLogoutIsReplayedAgainAtOnce(KeycloakServer keycloak) {
		KeycloakAdmin admin = keycloak.admin();
		String userId = admin.userId("logout-clerk");
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front, Map.of("pos.auth.client-id",
						"pos-public", "pos.auth.username", "logout-clerk", "pos.auth.password", "logout-password"))) {
			assertThat(application.get("/whoami").getStatusCode()).isEqualTo(HttpStatus.OK);
			admin.logout(userId);
			assertThat(application.get("/whoami").getStatusCode()).isEqualTo(HttpStatus.OK);

			// Within unauthorized-backoff (10 s) of the first replacement: the accepted
			// replay ended the
			// protection, so this revocation is renewed at once too.
			admin.logout(userId);
			assertThat(application.get("/whoami").getStatusCode()).isEqualTo(HttpStatus.OK);

			assertThat(front.apiCalls()).extracting(KeycloakFront.ApiCall::status)
				.containsExactly(200, 401, 200, 401, 200);
			assertThat(front.tokenExchanges("password")).hasSize(3);
			assertThat(application.counter("pos.auth.unauthorized.replays")).isEqualTo(2);
			assertThat(application.counter("pos.auth.unauthorized.held.back")).isZero();
			assertThat(application.health().getStatus()).isEqualTo(Status.UP);
		}
	}

}
