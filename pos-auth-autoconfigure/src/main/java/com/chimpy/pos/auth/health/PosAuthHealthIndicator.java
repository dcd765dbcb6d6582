package com.chimpy.pos.auth.health;

import java.time.Instant;
import java.util.Locale;

import com.chimpy.pos.auth.token.InMemoryPosTokenStore;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.PosTokenStore;
import com.chimpy.pos.auth.token.TokenEndpointException;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.util.Assert;

/**
 * Reports whether pos-auth can authenticate (and, as the {@code tokenStore} detail, where
 * the token lives): {@code UP} before any token request and after a successful one,
 * {@code DOWN} with the OAuth2 error code while the authorization server rejects the
 * credentials or after password grants have stopped. A token endpoint that fails
 * otherwise (unreachable, 5xx, an answer from something in between such as a firewall's
 * HTML page) says nothing about the credentials: the status stays {@code UP} and the
 * details name the failure ({@code tokenEndpoint}: {@code unavailable} or
 * {@code unexpected_response}, and {@code lastError}). It reads the token state only; it
 * never calls the token endpoint.
 */
public final class PosAuthHealthIndicator implements HealthIndicator {

	private final PosTokenState tokenState;

	private final PosTokenStore tokenStore;

	/**
	 * Create an indicator for a token state kept in memory.
	 * @param tokenState the token state to report on
	 */
	public PosAuthHealthIndicator(PosTokenState tokenState) {
		this(tokenState, InMemoryPosTokenStore.INSTANCE);
	}

	/**
	 * Create an indicator.
	 * @param tokenState the token state to report on
	 * @param tokenStore the store of the token state, shown as the {@code tokenStore}
	 * detail (a shared store that has fallen back to local state stays {@code UP})
	 */
	public PosAuthHealthIndicator(PosTokenState tokenState, PosTokenStore tokenStore) {
		Assert.notNull(tokenState, "tokenState must not be null");
		Assert.notNull(tokenStore, "tokenStore must not be null");
		this.tokenState = tokenState;
		this.tokenStore = tokenStore;
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
		TokenEndpointException failure = this.tokenState.getTokenEndpointFailure();
		if (failure != null) {
			builder.withDetail("tokenEndpoint", failure.getKind().name().toLowerCase(Locale.ROOT));
			builder.withDetail("lastError", failure.getError().getErrorCode());
		}
		builder.withDetail("tokenStore", this.tokenStore.getDetails());
		Instant expiresAt = this.tokenState.getExpiresAt();
		if (expiresAt != null) {
			builder.withDetail("tokenExpiresAt", expiresAt.toString());
		}
		return builder.build();
	}

}
