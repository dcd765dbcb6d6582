package com.chimpy.pos.auth.interop.keycloak;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * A wrong password against a realm with brute-force detection: pos-auth's credential
 * guard must stop sending password grants before Keycloak locks the user. Keycloak locks
 * a user temporarily after {@code failureFactor} failures, and also after two failures
 * less than {@code quickLoginCheckMilliSeconds} apart; a locked user's right password
 * gets the same {@code invalid_grant} as a wrong one, so a lockout would outlast the fix
 * of the password.
 */
@ExtendWith(KeycloakExtension.class)
class CredentialGuardInteropTests {

	private static final int MAX_REJECTIONS = 3;

	private static final Duration REJECTION_BACKOFF = Duration.ofSeconds(2);

	private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

	@Test
	void wrongPasswordStopsBeforeKeycloakLocksTheUser(KeycloakServer keycloak) {
		KeycloakAdmin admin = keycloak.admin();
		Map<String, Object> realm = admin.realm();
		assertThat(realm).containsEntry("bruteForceProtected", true).containsEntry("permanentLockout", false);
		int failureFactor = ((Number) realm.get("failureFactor")).intValue();
		long quickLoginCheckMillis = ((Number) realm.get("quickLoginCheckMilliSeconds")).longValue();
		// The premise: pos-auth's limits keep clear of both of Keycloak's triggers.
		assertThat(MAX_REJECTIONS).isLessThan(failureFactor);
		assertThat(REJECTION_BACKOFF.toMillis()).isGreaterThan(quickLoginCheckMillis);
		String userId = admin.userId("guard-clerk");
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front,
						Map.of("pos.auth.client-id", "pos-public", "pos.auth.username", "guard-clerk",
								"pos.auth.password", "not-the-password", "pos.auth.max-credential-rejections",
								MAX_REJECTIONS, "pos.auth.rejection-backoff", REJECTION_BACKOFF.toMillis() + "ms"))) {
			assertRejected(application);
			// After the first rejection: held back, reported.
			assertThat(application.gauge("pos.auth.credential.guard")).isEqualTo(1);
			Health held = application.health();
			assertThat(held.getStatus()).isEqualTo(Status.DOWN);
			assertThat(held.getDetails()).containsEntry("error", "invalid_grant").containsEntry("stopped", false);

			// Callers keep calling; the guard decides when a password grant goes out, and
			// finally stops.
			long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
			while (application.gauge("pos.auth.credential.guard") < 2) {
				if (System.nanoTime() > deadline) {
					fail("Password grants did not stop within " + RUN_LIMIT.toSeconds() + " s: "
							+ front.tokenExchanges());
				}
				assertRejected(application);
				KeycloakServer.sleep(Duration.ofMillis(250));
			}
			for (int i = 0; i < 3; i++) {
				assertRejected(application);
			}

			List<KeycloakFront.TokenExchange> exchanges = front.tokenExchanges();
			assertThat(exchanges).hasSize(MAX_REJECTIONS);
			assertThat(exchanges).extracting(KeycloakFront.TokenExchange::grantType).containsOnly("password");
			assertThat(exchanges).extracting(KeycloakFront.TokenExchange::status).containsOnly(401);
			assertThat(exchanges).extracting(KeycloakFront.TokenExchange::error).containsOnly("invalid_grant");
			for (int i = 1; i < exchanges.size(); i++) {
				assertThat(Duration.between(exchanges.get(i - 1).at(), exchanges.get(i).at()).toMillis())
					.as("time between password grants %d and %d", i, i + 1)
					.isGreaterThan(quickLoginCheckMillis);
			}
			assertThat(front.apiCalls()).isEmpty();
			assertThat(application.gauge("pos.auth.credential.guard")).isEqualTo(2);
			Health stopped = application.health();
			assertThat(stopped.getStatus()).isEqualTo(Status.DOWN);
			assertThat(stopped.getDetails()).containsEntry("error", "invalid_grant").containsEntry("stopped", true);
			assertThat(application.gauge("pos.auth.token.expires.in")).isZero();
		}

		// Keycloak counted exactly those failures, and the user is not locked: the right
		// password works.
		Map<String, Object> status = awaitFailures(admin, userId, MAX_REJECTIONS);
		assertThat(status).containsEntry("disabled", false);
		assertThat(admin.passwordGrant("pos-public", "guard-clerk", "guard-password").status()).isEqualTo(200);
	}

	private static void assertRejected(PosAuthApplication application) {
		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> application.get("/whoami"))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant"));
	}

	private static Map<String, Object> awaitFailures(KeycloakAdmin admin, String userId, int failures) {
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (true) {
			Map<String, Object> status = admin.bruteForceStatus(userId);
			int counted = ((Number) status.get("numFailures")).intValue();
			if (counted >= failures || System.nanoTime() > deadline) {
				assertThat(counted).as("failures Keycloak counted").isEqualTo(failures);
				return status;
			}
			KeycloakServer.sleep(Duration.ofMillis(200));
		}
	}

}
