package com.chimpy.pos.auth.interop.keycloak;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The password grant of a confidential client ({@code pos-confidential}), which
 * authenticates with {@code client_secret} in the form body.
 */
@ExtendWith(KeycloakExtension.class)
class ConfidentialClientInteropTests {

	@Test
	void clientSecretIsSentAndAccepted(KeycloakServer keycloak) {
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front,
						Map.of("pos.auth.client-id", "pos-confidential", "pos.auth.client-secret",
								"pos-confidential-secret", "pos.auth.username", "cashier", "pos.auth.password",
								"cashier-password"))) {
			ResponseEntity<String> answer = application.get("/whoami");

			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(answer.getBody()).contains("\"client\":\"pos-confidential\"");
			List<KeycloakFront.TokenExchange> exchanges = front.tokenExchanges();
			assertThat(exchanges).singleElement().satisfies((exchange) -> {
				assertThat(exchange.form()).containsEntry("grant_type", "password")
					.containsEntry("client_id", "pos-confidential")
					.containsEntry("client_secret", "pos-confidential-secret");
				assertThat(exchange.status()).isEqualTo(200);
			});
			assertThat(application.health().getStatus()).isEqualTo(Status.UP);
			assertThat(application.gauge("pos.auth.credential.guard")).isZero();
			assertThat(application.gauge("pos.auth.token.expires.in")).isGreaterThan(0).isLessThanOrEqualTo(300);
		}
	}

	@Test
	void wrongClientSecretIsARejectionThatTheGuardHoldsBack(KeycloakServer keycloak) {
		KeycloakAdmin admin = keycloak.admin();
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front,
						Map.of("pos.auth.client-id", "pos-confidential", "pos.auth.client-secret", "not-the-secret",
								"pos.auth.username", "cashier", "pos.auth.password", "cashier-password"))) {
			// Keycloak answers 401 unauthorized_client for a client that fails to
			// authenticate.
			assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> application.get("/whoami"))
				.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("unauthorized_client"));
			assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> application.get("/whoami"))
				.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("unauthorized_client"));

			// The second call was held back by the guard: one request reached Keycloak.
			assertThat(front.tokenExchanges()).singleElement().satisfies((exchange) -> {
				assertThat(exchange.status()).isEqualTo(401);
				assertThat(exchange.error()).isEqualTo("unauthorized_client");
			});
			assertThat(application.gauge("pos.auth.credential.guard")).isEqualTo(1);
			Health health = application.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("error", "unauthorized_client");
		}
		// The client failed before the user was looked at: no failure counted against the
		// user.
		assertThat(admin.bruteForceStatus(admin.userId("cashier"))).containsEntry("numFailures", 0);
	}

}
