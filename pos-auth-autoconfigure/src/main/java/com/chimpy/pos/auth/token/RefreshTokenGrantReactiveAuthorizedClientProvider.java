package com.chimpy.pos.auth.token;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.util.Assert;

/**
 * Renews an authorized client with its refresh token, for servers that rotate refresh
 * tokens as well as for those that do not: the refresh token of the answer replaces the
 * one sent, and the one sent is kept only when the answer carries none.
 * <p>
 * Unlike Spring Security's stock provider it renews whenever it is asked (so a token can
 * be renewed ahead of its expiry, or after the resource server rejected it); deciding
 * when is the caller's job, in pos-auth the {@link PosTokenState}. It returns an empty
 * {@code Mono} when the context holds no authorized client with a refresh token.
 */
public final class RefreshTokenGrantReactiveAuthorizedClientProvider implements ReactiveOAuth2AuthorizedClientProvider {

	private final ReactiveOAuth2AccessTokenResponseClient<? super OAuth2RefreshTokenGrantRequest> accessTokenResponseClient;

	/**
	 * Create a provider.
	 * @param accessTokenResponseClient the client that exchanges the refresh token for a
	 * new token
	 */
	public RefreshTokenGrantReactiveAuthorizedClientProvider(
			ReactiveOAuth2AccessTokenResponseClient<? super OAuth2RefreshTokenGrantRequest> accessTokenResponseClient) {
		Assert.notNull(accessTokenResponseClient, "accessTokenResponseClient must not be null");
		this.accessTokenResponseClient = accessTokenResponseClient;
	}

	@Override
	public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizationContext context) {
		Assert.notNull(context, "context must not be null");
		OAuth2AuthorizedClient authorizedClient = context.getAuthorizedClient();
		if (authorizedClient == null || authorizedClient.getRefreshToken() == null) {
			return Mono.empty();
		}
		OAuth2RefreshToken sent = authorizedClient.getRefreshToken();
		OAuth2RefreshTokenGrantRequest request = new OAuth2RefreshTokenGrantRequest(
				authorizedClient.getClientRegistration(), authorizedClient.getAccessToken(), sent);
		return Mono.defer(() -> this.accessTokenResponseClient.getTokenResponse(request))
			.map((response) -> new OAuth2AuthorizedClient(authorizedClient.getClientRegistration(),
					context.getPrincipal().getName(), response.getAccessToken(),
					(response.getRefreshToken() != null) ? response.getRefreshToken() : sent));
	}

}
