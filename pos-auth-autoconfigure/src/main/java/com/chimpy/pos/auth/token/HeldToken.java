package com.chimpy.pos.auth.token;

import java.time.Instant;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * A token in use and the points of its life: from {@code refreshAt} it is renewed in the
 * background while still served, from {@code hardAt} callers wait for the renewal, at
 * {@code expiresAt} it is dead. A token the resource server rejected is never served
 * again, not even as a fallback.
 *
 * @param client the authorized client with the token
 * @param refreshAt the refresh-ahead point
 * @param hardAt the hard point
 * @param expiresAt the expiry
 * @param rejected whether the resource server rejected the token
 */
record HeldToken(OAuth2AuthorizedClient client, Instant refreshAt, Instant hardAt, Instant expiresAt,
		boolean rejected) {

	/**
	 * Hold a new token, with its points from the renewal settings.
	 * @param client the authorized client with the new token
	 * @param settings when to renew
	 * @param now the current time, for a token that does not say when it was issued
	 * @return the held token
	 */
	static HeldToken of(OAuth2AuthorizedClient client, TokenRenewalSettings settings, Instant now) {
		OAuth2AccessToken token = client.getAccessToken();
		Instant issuedAt = (token.getIssuedAt() != null) ? token.getIssuedAt() : now;
		Instant expiresAt = (token.getExpiresAt() != null) ? token.getExpiresAt()
				: issuedAt.plus(TokenLifetime.DEFAULT);
		return new HeldToken(client, settings.refreshAheadPoint(issuedAt, expiresAt),
				settings.hardPoint(issuedAt, expiresAt), expiresAt, false);
	}

	/**
	 * Whether callers may use the token without waiting (before its hard point).
	 */
	boolean isUsable(Instant now) {
		return now.isBefore(this.hardAt);
	}

	/**
	 * Whether the token is still alive, for callers that would rather have it than wait.
	 */
	boolean isAlive(Instant now) {
		return now.isBefore(this.expiresAt);
	}

	boolean hasToken(OAuth2AccessToken token) {
		return this.client.getAccessToken().getTokenValue().equals(token.getTokenValue());
	}

	/**
	 * The token after the resource server rejected it: never served again, not even as a
	 * fallback.
	 */
	HeldToken dropped() {
		return new HeldToken(this.client, Instant.MIN, Instant.MIN, Instant.MIN, true);
	}

	@Override
	public String toString() {
		return "HeldToken{expiresAt=" + this.expiresAt + ", rejected=" + this.rejected + "}";
	}

}
