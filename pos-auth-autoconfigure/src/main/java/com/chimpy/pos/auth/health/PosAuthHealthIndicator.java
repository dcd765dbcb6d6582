package com.chimpy.pos.auth.health;

import java.time.Instant;

import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.util.Assert;

/**
 * Reports whether pos-auth can authenticate: {@code UP} before any token request and after a successful one,
 * {@code DOWN} with the OAuth2 error code while the authorization server rejects the credentials or after password
 * grants have stopped. It reads the token state only; it never calls the token endpoint.
 */
public final class PosAuthHealthIndicator implements HealthIndicator {

	private final PosTokenState tokenState;

	/**
	 * Create an indicator.
	 * @param tokenState the token state to report on
	 */
	public PosAuthHealthIndicator(PosTokenState tokenState) {
		Assert.notNull(tokenState, "tokenState must not be null");
		this.tokenState = tokenState;
	}

	@Override
	public Health health() {
		OAuth2Error rejection = this.tokenState.getCredentialRejection();
		boolean stopped = this.tokenState.isStopped();
		Health.Builder builder = (rejection != null || stopped) ? Health.down() : Health.up();
		if (rejection != null) {
			builder.withDetail("error", rejection.getErrorCode());
		}
		builder.withDetail("stopped", stopped);
		Instant expiresAt = this.tokenState.getExpiresAt();
		if (expiresAt != null) {
			builder.withDetail("tokenExpiresAt", expiresAt.toString());
		}
		return builder.build();
	}

}
