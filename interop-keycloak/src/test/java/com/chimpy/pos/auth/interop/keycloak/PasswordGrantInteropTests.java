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
 * The password grant, form-encoded, against Keycloak's token endpoint (public client
 * {@code pos-public}, direct access grants enabled).
 */
@ExtendWith(KeycloakExtension.class)
class PasswordGrantInteropTests {

	@Test
	void formEncodedPasswordGrantGetsOneTokenThatTheApiAccepts(KeycloakServer keycloak) {
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front, Map.of("pos.auth.client-id",
						"pos-public", "pos.auth.username", "cashier", "pos.auth.password", "cashier-password"))) {
			// Before the first token request: nothing to report but readiness.
			assertThat(application.health().getStatus()).isEqualTo(Status.UP);
			assertThat(application.gauge("pos.auth.credential.guard")).isZero();
			assertThat(application.gauge("pos.auth.token.expires.in")).isZero();
			assertThat(front.tokenExchanges()).isEmpty();

			// Eight cold calls at once, then one more: one token request.
			List<ResponseEntity<String>> first = application.getConcurrently("/whoami", 8);
			ResponseEntity<String> later = application.get("/whoami");

			assertThat(first).hasSize(8).allSatisfy((answer) -> {
				assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
				assertThat(answer.getBody()).contains("\"user\":\"cashier\"").contains("\"client\":\"pos-public\"");
			});
			assertThat(later.getStatusCode()).isEqualTo(HttpStatus.OK);
			List<KeycloakFront.TokenExchange> exchanges = front.tokenExchanges();
			assertThat(exchanges).hasSize(1);
			KeycloakFront.TokenExchange exchange = exchanges.get(0);
			assertThat(exchange.contentType()).startsWith("application/x-www-form-urlencoded");
			assertThat(exchange.form()).containsExactly(Map.entry("grant_type", "password"),
					Map.entry("client_id", "pos-public"), Map.entry("username", "cashier"),
					Map.entry("password", "cashier-password"));
			assertThat(exchange.status()).isEqualTo(200);
			assertThat(exchange.answer()).containsEntry("token_type", "Bearer").containsKey("refresh_token");
			// Every call carried the one token Keycloak issued.
			assertThat(front.apiCalls()).hasSize(9)
				.allSatisfy((call) -> assertThat(call.bearer()).isEqualTo(exchange.issuedAccessToken()))
				.extracting(KeycloakFront.ApiCall::status)
				.containsOnly(200);

			Health health = application.health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("stopped", false).containsKey("tokenExpiresAt");
			assertThat(application.gauge("pos.auth.credential.guard")).isZero();
			// The realm's access tokens live 300 s.
			assertThat(application.gauge("pos.auth.token.expires.in")).isGreaterThan(0).isLessThanOrEqualTo(300);
		}
	}

	@Test
	void jsonBodiesAreRefusedByKeycloakWithInvalidRequest(KeycloakServer keycloak) {
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front,
						Map.of("pos.auth.request-format", "json", "pos.auth.client-id", "pos-public",
								"pos.auth.username", "cashier", "pos.auth.password", "cashier-password"))) {
			assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> application.get("/whoami"))
				.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_request"));

			List<KeycloakFront.TokenExchange> exchanges = front.tokenExchanges();
			assertThat(exchanges).hasSize(1);
			assertThat(exchanges.get(0).contentType()).startsWith("application/json");
			assertThat(exchanges.get(0).status()).isEqualTo(400);
			assertThat(exchanges.get(0).error()).isEqualTo("invalid_request");
			assertThat(front.apiCalls()).isEmpty();
			// Not a verdict on the credentials: the guard stays open, the health names
			// the failure.
			assertThat(application.gauge("pos.auth.credential.guard")).isZero();
			Health health = application.health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("lastError", "invalid_request");
		}
	}

}
