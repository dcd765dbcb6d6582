package com.chimpy.pos.auth.interop.keycloak;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The lifetime pos-auth gives a Keycloak token against the lifetime Keycloak gives it.
 * Keycloak starts the clock when it issues the token ({@code iat}, {@code exp});
 * {@code expires_in} counts from then (RFC 6749: "from the time the response was
 * generated"). An answer that takes long to arrive has spent part of that lifetime on the
 * way.
 */
@ExtendWith(KeycloakExtension.class)
class TokenLifetimeInteropTests {

	private static final Duration ANSWER_DELAY = Duration.ofSeconds(3);

	@Test
	void tokenIsNotSentAfterKeycloakExpiredItWhenItsAnswerWasSlow(KeycloakServer keycloak) {
		try (KeycloakFront front = KeycloakFront.start(keycloak);
				PosAuthApplication application = PosAuthApplication.start(front,
						Map.of("pos.auth.client-id", "pos-rotation", "pos.auth.username", "rotation-clerk",
								"pos.auth.password", "rotation-password"))) {
			front.delayTokenAnswers(ANSWER_DELAY);
			assertThat(application.get("/whoami").getStatusCode()).isEqualTo(HttpStatus.OK);
			String token = front.tokenExchanges().get(0).issuedAccessToken();
			long exp = ((Number) TokenClaims.of(token).get("exp")).longValue();

			// Keycloak issued the token, then the answer spent 3 s on the way: pos-auth
			// counts the lifetime from when
			// it sent the request, so it never thinks the token lives longer than
			// Keycloak's exp (whole seconds).
			double posAuthExpiry = System.currentTimeMillis() / 1000.0 + application.gauge("pos.auth.token.expires.in");
			assertThat(posAuthExpiry).as("pos-auth's expiry against Keycloak's exp").isLessThanOrEqualTo(exp + 1.0);

			// No call until Keycloak's exp has passed: the next call must not send the
			// expired token.
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (System.currentTimeMillis() / 1000 <= exp) {
				if (System.nanoTime() > deadline) {
					fail("Keycloak's exp did not pass");
				}
				KeycloakServer.sleep(Duration.ofMillis(20));
			}
			assertThat(application.get("/whoami").getStatusCode()).isEqualTo(HttpStatus.OK);

			// pos-auth must not have sent the token Keycloak had expired: no 401, no
			// replay.
			assertThat(front.apiCalls()).extracting(KeycloakFront.ApiCall::status).containsOnly(200);
			assertThat(application.counter("pos.auth.unauthorized.replays")).isZero();
		}
	}

}
