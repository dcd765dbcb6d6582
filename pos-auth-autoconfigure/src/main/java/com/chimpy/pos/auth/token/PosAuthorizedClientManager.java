package com.chimpy.pos.auth.token;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.account.PosTokenStates;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.util.Assert;

/**
 * The imperative view of the token states, for servlet code: answers requests for the
 * {@code pos} client registration with the shared authorized client of the account the
 * request names. That is the account named by the request's {@code pos.account} attribute
 * (an unknown one is an error), else the account named like the request's principal
 * ({@code OAuth2AuthorizeRequest.withClientRegistrationId("pos")
 * .principal("store-17")}), else the default account; with a single account, that one
 * whatever principal the request names. A caller blocks only while no usable token is
 * held, and at most for the state's maximum wait; token failures are thrown as
 * {@link org.springframework.security.oauth2.client.ClientAuthorizationException}.
 * <p>
 * Do not call it on a Reactor non-blocking thread; use
 * {@link PosReactiveAuthorizedClientManager} there.
 */
public final class PosAuthorizedClientManager implements OAuth2AuthorizedClientManager {

	private final PosTokenStates tokenStates;

	private final String registrationId;

	private final Duration maxBlock;

	/**
	 * Create a manager over the given token state.
	 * @param tokenState the token state
	 * @param maxBlock the longest a caller blocks; a safety net above the state's own
	 * maximum wait
	 */
	public PosAuthorizedClientManager(PosTokenState tokenState, Duration maxBlock) {
		this(PosTokenStates.of(tokenState), tokenState.getClientRegistration().getRegistrationId(), maxBlock);
	}

	/**
	 * Create a manager over the token states of many accounts.
	 * @param tokenStates the token states
	 * @param registrationId the client registration id requests must name
	 * @param maxBlock the longest a caller blocks; a safety net above the state's own
	 * maximum wait
	 */
	public PosAuthorizedClientManager(PosTokenStates tokenStates, String registrationId, Duration maxBlock) {
		Assert.notNull(tokenStates, "tokenStates must not be null");
		Assert.hasText(registrationId, "registrationId must not be empty");
		Assert.notNull(maxBlock, "maxBlock must not be null");
		this.tokenStates = tokenStates;
		this.registrationId = registrationId;
		this.maxBlock = maxBlock;
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest authorizeRequest) {
		Assert.notNull(authorizeRequest, "authorizeRequest must not be null");
		RegistrationCheck.requireRegistration(authorizeRequest, this.registrationId);
		return RegistrationCheck.tokenState(authorizeRequest, this.tokenStates)
			.flatMap(PosTokenState::authorizedClient)
			.block(this.maxBlock);
	}

}
