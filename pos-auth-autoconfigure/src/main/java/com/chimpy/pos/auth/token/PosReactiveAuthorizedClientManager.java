package com.chimpy.pos.auth.token;

import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.account.PosTokenStates;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.util.Assert;

/**
 * The reactive view of the token states: answers requests for the {@code pos} client
 * registration with the shared authorized client of the account the request names, chosen
 * as {@link PosAuthorizedClientManager} does (the {@code pos.account} attribute, else the
 * account named like the principal, else the default account). Waiting for a renewal
 * never blocks a thread.
 */
public final class PosReactiveAuthorizedClientManager implements ReactiveOAuth2AuthorizedClientManager {

	private final PosTokenStates tokenStates;

	private final String registrationId;

	/**
	 * Create a manager over the given token state.
	 * @param tokenState the token state
	 */
	public PosReactiveAuthorizedClientManager(PosTokenState tokenState) {
		this(PosTokenStates.of(tokenState), tokenState.getClientRegistration().getRegistrationId());
	}

	/**
	 * Create a manager over the token states of many accounts.
	 * @param tokenStates the token states
	 * @param registrationId the client registration id requests must name
	 */
	public PosReactiveAuthorizedClientManager(PosTokenStates tokenStates, String registrationId) {
		Assert.notNull(tokenStates, "tokenStates must not be null");
		Assert.hasText(registrationId, "registrationId must not be empty");
		this.tokenStates = tokenStates;
		this.registrationId = registrationId;
	}

	@Override
	public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizeRequest authorizeRequest) {
		Assert.notNull(authorizeRequest, "authorizeRequest must not be null");
		return Mono.defer(() -> {
			RegistrationCheck.requireRegistration(authorizeRequest, this.registrationId);
			return RegistrationCheck.tokenState(authorizeRequest, this.tokenStates)
				.flatMap(PosTokenState::authorizedClient);
		});
	}

}
