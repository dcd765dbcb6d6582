package com.chimpy.pos.auth.token;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.util.Assert;

/**
 * The reactive view of a {@link PosTokenState}: answers every request for its client
 * registration with the one shared authorized client, whatever principal the request
 * names. Waiting for a renewal never blocks a thread.
 */
public final class PosReactiveAuthorizedClientManager implements ReactiveOAuth2AuthorizedClientManager {

	private final PosTokenState tokenState;

	/**
	 * Create a manager over the given token state.
	 * @param tokenState the token state
	 */
	public PosReactiveAuthorizedClientManager(PosTokenState tokenState) {
		Assert.notNull(tokenState, "tokenState must not be null");
		this.tokenState = tokenState;
	}

	@Override
	public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizeRequest authorizeRequest) {
		Assert.notNull(authorizeRequest, "authorizeRequest must not be null");
		return Mono.defer(() -> {
			RegistrationCheck.requireRegistration(authorizeRequest, this.tokenState);
			return this.tokenState.authorizedClient();
		});
	}

}
