package com.chimpy.pos.auth.token;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.Assert;

/**
 * Authorizes a client registration whose grant type is
 * {@link PasswordGrantRequest#PASSWORD password} with the configured resource-owner
 * credentials.
 * <p>
 * It authorizes whenever it is asked: deciding <em>when</em> a new token is due (expiry,
 * a 401, a dead refresh token) is the job of the caller, in pos-auth the
 * {@link PosTokenState}. It returns an empty {@code Mono} for any other grant type, so it
 * can sit in a
 * {@link org.springframework.security.oauth2.client.DelegatingReactiveOAuth2AuthorizedClientProvider}.
 */
public final class PasswordGrantReactiveAuthorizedClientProvider implements ReactiveOAuth2AuthorizedClientProvider {

	private final ReactiveOAuth2AccessTokenResponseClient<? super PasswordGrantRequest> accessTokenResponseClient;

	private final String username;

	private final String password;

	/**
	 * Create a provider.
	 * @param accessTokenResponseClient the client that exchanges the grant for a token
	 * @param username the resource owner's username
	 * @param password the resource owner's password
	 */
	public PasswordGrantReactiveAuthorizedClientProvider(
			ReactiveOAuth2AccessTokenResponseClient<? super PasswordGrantRequest> accessTokenResponseClient,
			String username, String password) {
		Assert.notNull(accessTokenResponseClient, "accessTokenResponseClient must not be null");
		Assert.hasText(username, "username must not be empty");
		Assert.hasText(password, "password must not be empty");
		this.accessTokenResponseClient = accessTokenResponseClient;
		this.username = username;
		this.password = password;
	}

	@Override
	public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizationContext context) {
		Assert.notNull(context, "context must not be null");
		ClientRegistration registration = context.getClientRegistration();
		if (!PasswordGrantRequest.PASSWORD.equals(registration.getAuthorizationGrantType())) {
			return Mono.empty();
		}
		return Mono
			.defer(() -> this.accessTokenResponseClient
				.getTokenResponse(new PasswordGrantRequest(registration, this.username, this.password)))
			.map((response) -> new OAuth2AuthorizedClient(registration, context.getPrincipal().getName(),
					response.getAccessToken(), response.getRefreshToken()));
	}

	@Override
	public String toString() {
		return "PasswordGrantReactiveAuthorizedClientProvider{username='" + this.username + "'}";
	}

}
