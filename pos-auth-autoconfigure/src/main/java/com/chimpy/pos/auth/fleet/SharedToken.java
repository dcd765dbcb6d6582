package com.chimpy.pos.auth.fleet;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * The fleet's current token as Redis holds it: the access token with its lifetime and
 * scopes, and the refresh token that came with it (none once it was spent without a
 * replacement). {@link #toString()} names no token.
 *
 * @param access the access token value
 * @param issuedAt when the access token was issued, or {@code null}
 * @param expiresAt when the access token expires
 * @param scopes the scopes of the access token
 * @param refresh the refresh token value, or {@code null}
 * @param refreshIssuedAt when the refresh token was issued, or {@code null}
 */
record SharedToken(String access, @Nullable Instant issuedAt, Instant expiresAt, Set<String> scopes,
		@Nullable String refresh, @Nullable Instant refreshIssuedAt) {

	static @Nullable SharedToken of(OAuth2AuthorizedClient client) {
		OAuth2AccessToken token = client.getAccessToken();
		Instant expiresAt = token.getExpiresAt();
		if (expiresAt == null) {
			return null;
		}
		OAuth2RefreshToken refresh = client.getRefreshToken();
		return new SharedToken(token.getTokenValue(), token.getIssuedAt(), expiresAt, token.getScopes(),
				(refresh != null) ? refresh.getTokenValue() : null, (refresh != null) ? refresh.getIssuedAt() : null);
	}

	OAuth2AccessToken accessToken() {
		return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, this.access, this.issuedAt, this.expiresAt,
				this.scopes);
	}

	@Nullable OAuth2RefreshToken refreshToken() {
		return (this.refresh != null) ? new OAuth2RefreshToken(this.refresh, this.refreshIssuedAt) : null;
	}

	/**
	 * The same access token with the given refresh token.
	 */
	SharedToken withRefresh(@Nullable OAuth2RefreshToken refreshToken) {
		return new SharedToken(this.access, this.issuedAt, this.expiresAt, this.scopes,
				(refreshToken != null) ? refreshToken.getTokenValue() : null,
				(refreshToken != null) ? refreshToken.getIssuedAt() : null);
	}

	boolean isAlive(Instant now) {
		return now.isBefore(this.expiresAt);
	}

	boolean hasAccess(OAuth2AccessToken token) {
		return this.access.equals(token.getTokenValue());
	}

	@Override
	public String toString() {
		return "SharedToken{expiresAt=" + this.expiresAt + ", refreshToken=" + (this.refresh != null) + "}";
	}

}
