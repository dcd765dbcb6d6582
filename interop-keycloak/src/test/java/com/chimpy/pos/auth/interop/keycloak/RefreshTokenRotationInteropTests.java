package com.chimpy.pos.auth.interop.keycloak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Status;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Renewal by refresh token against a realm that rotates refresh tokens with reuse
 * detection ({@code revokeRefreshToken=true}, {@code refreshTokenMaxReuse=0}): Keycloak
 * ends the client's session when a refresh token comes back a second time, so pos-auth
 * must send each one at most once. The client {@code pos-rotation} issues access tokens
 * for 5 seconds.
 */
@ExtendWith(KeycloakExtension.class)
class RefreshTokenRotationInteropTests {

	private static final int REFRESHES = 6;

	private static final Duration RUN_LIMIT = Duration.ofSeconds(120);

	@Test
	void renewsOverSeveralLifetimesSendingEachRefreshTokenOnce(KeycloakServer keycloak) {
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front,
						Map.of("pos.auth.client-id", "pos-rotation", "pos.auth.username", "rotation-clerk",
								"pos.auth.password", "rotation-password"))) {
			// Four calls at once every 200 ms until Keycloak has rotated the refresh
			// token REFRESHES times (about
			// three 5-second lifetimes: pos-auth renews from half the lifetime on).
			List<Integer> statuses = new ArrayList<>();
			long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
			while (front.tokenExchanges("refresh_token").size() < REFRESHES) {
				if (System.nanoTime() > deadline) {
					fail("Fewer than " + REFRESHES + " refreshes within " + RUN_LIMIT.toSeconds() + " s: "
							+ front.tokenExchanges());
				}
				for (ResponseEntity<String> answer : application.getConcurrently("/whoami", 4)) {
					statuses.add(answer.getStatusCode().value());
				}
				KeycloakServer.sleep(Duration.ofMillis(200));
			}

			// No caller ever saw a failure, and the API never saw a token it refused.
			assertThat(statuses).isNotEmpty().containsOnly(200);
			assertThat(front.apiCalls()).extracting(KeycloakFront.ApiCall::status).containsOnly(200);

			List<KeycloakFront.TokenExchange> exchanges = front.tokenExchanges();
			// One login, then refreshes only: the session was never lost (a reused
			// refresh token would have
			// ended it, and pos-auth would have fallen back to the password grant).
			assertThat(exchanges.get(0).grantType()).isEqualTo("password");
			assertThat(exchanges.subList(1, exchanges.size())).extracting(KeycloakFront.TokenExchange::grantType)
				.containsOnly("refresh_token");
			assertThat(exchanges).extracting(KeycloakFront.TokenExchange::status).containsOnly(200);
			// Each refresh sent the refresh token of the answer just before it: the
			// newest one, each only once.
			List<String> sent = new ArrayList<>();
			for (int i = 1; i < exchanges.size(); i++) {
				assertThat(exchanges.get(i).sentRefreshToken()).as("refresh token sent with request %d", i)
					.isEqualTo(exchanges.get(i - 1).issuedRefreshToken());
				sent.add(exchanges.get(i).sentRefreshToken());
			}
			assertThat(new HashSet<>(sent)).hasSameSizeAs(sent);

			// Keycloak's view: the one session of the first login is still there, with
			// the client in it.
			String sessionId = (String) TokenClaims.of(exchanges.get(0).issuedAccessToken()).get("sid");
			String latestSessionId = (String) TokenClaims.of(exchanges.get(exchanges.size() - 1).issuedAccessToken())
				.get("sid");
			assertThat(latestSessionId).isEqualTo(sessionId);
			KeycloakAdmin admin = keycloak.admin();
			List<Map<String, Object>> sessions = admin.sessions(admin.userId("rotation-clerk"));
			assertThat(sessions)
				.filteredOn((session) -> ((Map<?, ?>) session.get("clients")).containsValue("pos-rotation"))
				.singleElement()
				.satisfies((session) -> assertThat(session).containsEntry("id", sessionId));

			assertThat(application.health().getStatus()).isEqualTo(Status.UP);
			assertThat(application.gauge("pos.auth.credential.guard")).isZero();
			assertThat(application.gauge("pos.auth.token.expires.in")).isGreaterThan(0).isLessThanOrEqualTo(5);
		}
	}

	@Test
	void offlineAccessRefreshTokensRotateToo(KeycloakServer keycloak) {
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front,
						Map.of("pos.auth.client-id", "pos-rotation", "pos.auth.username", "rotation-clerk",
								"pos.auth.password", "rotation-password", "pos.auth.scope", "offline_access"))) {
			long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
			while (front.tokenExchanges("refresh_token").size() < 2) {
				if (System.nanoTime() > deadline) {
					fail("Fewer than 2 refreshes within " + RUN_LIMIT.toSeconds() + " s: " + front.tokenExchanges());
				}
				assertThat(application.get("/whoami").getStatusCode().value()).isEqualTo(200);
				KeycloakServer.sleep(Duration.ofMillis(200));
			}

			List<KeycloakFront.TokenExchange> exchanges = front.tokenExchanges();
			assertThat(exchanges).extracting(KeycloakFront.TokenExchange::grantType)
				.containsExactly("password", "refresh_token", "refresh_token");
			assertThat(exchanges).extracting(KeycloakFront.TokenExchange::status).containsOnly(200);
			// The scope goes with the password grant only; Keycloak issues offline
			// refresh tokens for it.
			assertThat(exchanges.get(0).form()).containsEntry("scope", "offline_access");
			assertThat(exchanges.get(1).form()).doesNotContainKey("scope");
			assertThat((String) exchanges.get(0).answer().get("scope")).contains("offline_access");
			assertThat(TokenClaims.of(exchanges.get(0).issuedRefreshToken())).containsEntry("typ", "Offline");
			for (int i = 1; i < exchanges.size(); i++) {
				assertThat(exchanges.get(i).sentRefreshToken()).isEqualTo(exchanges.get(i - 1).issuedRefreshToken());
			}
			assertThat(front.apiCalls()).extracting(KeycloakFront.ApiCall::status).containsOnly(200);
		}
	}

	@Test
	void keycloakEndsTheClientSessionWhenARefreshTokenComesBack(KeycloakServer keycloak) {
		// The realm's rotation is real: the check above would catch a resent refresh
		// token.
		KeycloakAdmin admin = keycloak.admin();
		// Another user than the test above, whose session this must not touch.
		KeycloakAdmin.TokenAnswer login = admin.passwordGrant("pos-rotation", "cashier", "cashier-password");
		assertThat(login.status()).isEqualTo(200);
		KeycloakAdmin.TokenAnswer rotated = admin.refreshGrant("pos-rotation", login.refreshToken());
		assertThat(rotated.status()).isEqualTo(200);
		assertThat(rotated.refreshToken()).isNotEqualTo(login.refreshToken());

		KeycloakAdmin.TokenAnswer reused = admin.refreshGrant("pos-rotation", login.refreshToken());
		assertThat(reused.status()).isEqualTo(400);
		assertThat(reused.error()).isEqualTo("invalid_grant");
		// The reuse cost the newest refresh token too: the client's session is gone.
		KeycloakAdmin.TokenAnswer afterReuse = admin.refreshGrant("pos-rotation", rotated.refreshToken());
		assertThat(afterReuse.status()).isEqualTo(400);
		assertThat(afterReuse.error()).isEqualTo("invalid_grant");
	}

}
