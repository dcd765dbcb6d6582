package com.chimpy.pos.auth.token;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * The renewal of one account's token as a {@link PosTokenStore} sees it: what is being
 * renewed, the grant that renews it on this instance, and the state a fleet shares (the
 * refresh token and the credential guard). It reveals no password or client secret; its
 * {@code toString()} names no token.
 */
public interface PosTokenRenewal {

	/**
	 * The key of the account's shared state: a digest of the token URI, client id,
	 * audience and username, so that two accounts never share a token. It names no
	 * credential.
	 * @return the key
	 */
	String key();

	/**
	 * The account, for log messages.
	 * @return the name of the account
	 */
	String name();

	/**
	 * The access token being renewed: the one held when the renewal started, including
	 * one the resource server has just rejected.
	 * @return the token, or {@code null} when none was held
	 */
	@Nullable OAuth2AccessToken currentToken();

	/**
	 * Whether the renewal replaces a token the resource server rejected (a 401), rather
	 * than one that reached its refresh-ahead point or none.
	 * @return whether {@link #currentToken()} was rejected by the resource server
	 */
	default boolean replacesRejected() {
		return false;
	}

	/**
	 * The refresh token this instance holds.
	 * @return the refresh token, or {@code null}
	 */
	@Nullable OAuth2RefreshToken refreshToken();

	/**
	 * Renew on this instance: by the given refresh token, falling back to the password
	 * grant when the server rejects it, or by the password grant when it is {@code null}
	 * (unless the credential guard holds password grants back). The given refresh token
	 * replaces the one this instance holds; after the renewal, {@link #refreshToken()} is
	 * the newest one, or {@code null} when it was spent without a replacement.
	 * @param refreshToken the current refresh token of the account, or {@code null}
	 * @return the new authorized client, or an error
	 */
	Mono<OAuth2AuthorizedClient> renew(@Nullable OAuth2RefreshToken refreshToken);

	/**
	 * Renew on this instance as {@link #renew(OAuth2RefreshToken)} does, renewing the
	 * given access token (the fleet's current one, which this instance may not hold yet)
	 * with the given refresh token.
	 * @param accessToken the access token the refresh token came with, or {@code null}
	 * for {@link #currentToken()}
	 * @param refreshToken the current refresh token of the account, or {@code null}
	 * @return the new authorized client, or an error
	 */
	Mono<OAuth2AuthorizedClient> renew(@Nullable OAuth2AccessToken accessToken,
			@Nullable OAuth2RefreshToken refreshToken);

	/**
	 * The authorized client for a token that another instance obtained.
	 * @param accessToken the access token
	 * @param refreshToken the refresh token that came with it, or {@code null}
	 * @return the authorized client
	 */
	OAuth2AuthorizedClient authorizedClient(OAuth2AccessToken accessToken, @Nullable OAuth2RefreshToken refreshToken);

	/**
	 * The credential guard's state on this instance.
	 * @return the state
	 */
	CredentialGuardState guardState();

	/**
	 * Take the credential guard's state of the fleet, before a renewal.
	 * @param state the state to take
	 */
	void adoptGuardState(CredentialGuardState state);

	/**
	 * Forget rejections and failures on this instance, as {@link PosTokenState#reset()}
	 * does, without telling the store again (for a reset done on another instance).
	 */
	void resetHere();

}
