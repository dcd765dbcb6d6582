package com.chimpy.pos.auth.health;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.account.PosTokenStates;
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
 * <p>
 * With many accounts the status is the default account's (one merchant's wrong password
 * does not take the application down); the details add {@code accounts} (how many other
 * accounts have a token state held) and, when some have stopped password grants,
 * {@code stoppedAccounts} (their count) and {@code stoppedAccountNames} (the first
 * {@value #MAX_NAMES} names). Without a default account the status is {@code UP}.
 */
public final class PosAuthHealthIndicator implements HealthIndicator {

	/**
	 * The most account names the details list.
	 */
	public static final int MAX_NAMES = 10;

	private final @Nullable PosTokenState tokenState;

	private final @Nullable PosTokenStates tokenStates;

	private final PosTokenStore tokenStore;

	/**
	 * Create an indicator for a single account kept in memory.
	 * @param tokenState the token state to report on
	 */
	public PosAuthHealthIndicator(PosTokenState tokenState) {
		Assert.notNull(tokenState, "tokenState must not be null");
		this.tokenState = tokenState;
		this.tokenStates = null;
		this.tokenStore = InMemoryPosTokenStore.INSTANCE;
	}

	/**
	 * Create an indicator for many accounts kept in memory.
	 * @param tokenStates the token states to report on
	 */
	public PosAuthHealthIndicator(PosTokenStates tokenStates) {
		this(tokenStates, InMemoryPosTokenStore.INSTANCE);
	}

	/**
	 * Create an indicator for many accounts.
	 * @param tokenStates the token states to report on
	 * @param tokenStore the store of the token states, shown as the {@code tokenStore}
	 * detail (a shared store that has fallen back to local state stays {@code UP})
	 */
	public PosAuthHealthIndicator(PosTokenStates tokenStates, PosTokenStore tokenStore) {
		Assert.notNull(tokenStates, "tokenStates must not be null");
		Assert.notNull(tokenStore, "tokenStore must not be null");
		this.tokenState = tokenStates.getDefault();
		this.tokenStates = tokenStates;
		this.tokenStore = tokenStore;
	}

	@Override
	public Health health() {
		Health.Builder builder = (this.tokenState != null) ? health(this.tokenState) : Health.up();
		builder.withDetail("tokenStore", this.tokenStore.getDetails());
		PosTokenStates states = this.tokenStates;
		if (states != null) {
			int held = states.getHeldCount();
			int stoppedCount = states.getStoppedCount();
			if (held > 0 || this.tokenState == null) {
				builder.withDetail("accounts", held);
			}
			if (stoppedCount > 0) {
				List<String> names = states.getStoppedAccounts(MAX_NAMES);
				builder.withDetail("stoppedAccounts", stoppedCount);
				builder.withDetail("stoppedAccountNames", names);
			}
		}
		return builder.build();
	}

	private static Health.Builder health(PosTokenState tokenState) {
		OAuth2Error rejection = tokenState.getCredentialRejection();
		boolean stopped = tokenState.isStopped();
		Health.Builder builder = (rejection != null || stopped) ? Health.down() : Health.up();
		if (rejection != null) {
			builder.withDetail("error", rejection.getErrorCode());
		}
		builder.withDetail("stopped", stopped);
		TokenEndpointException failure = tokenState.getTokenEndpointFailure();
		if (failure != null) {
			builder.withDetail("tokenEndpoint", failure.getKind().name().toLowerCase(Locale.ROOT));
			builder.withDetail("lastError", failure.getError().getErrorCode());
		}
		Instant expiresAt = tokenState.getExpiresAt();
		if (expiresAt != null) {
			builder.withDetail("tokenExpiresAt", expiresAt.toString());
		}
		return builder;
	}

}
