package com.chimpy.pos.auth.token;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.util.Assert;

/**
 * The imperative view of a {@link PosTokenState}, for servlet code: answers every request
 * for its client registration with the one shared authorized client, whatever principal
 * the request names. A caller blocks only while no usable token is held, and at most for
 * the state's maximum wait; token failures are thrown as
 * {@link org.springframework.security.oauth2.client.ClientAuthorizationException}.
 * <p>
 * Do not call it on a Reactor non-blocking thread; use
 * {@link PosReactiveAuthorizedClientManager} there.
 */
public final class PosAuthorizedClientManager implements OAuth2AuthorizedClientManager {

	private final PosTokenState tokenState;

	private final Duration maxBlock;

	/**
	 * Create a manager over the given token state.
	 * @param tokenState the token state
	 * @param maxBlock the longest a caller blocks; a safety net above the state's own
	 * maximum wait
	 */
	public PosAuthorizedClientManager(PosTokenState tokenState, Duration maxBlock) {
		Assert.notNull(tokenState, "tokenState must not be null");
		Assert.notNull(maxBlock, "maxBlock must not be null");
		this.tokenState = tokenState;
		this.maxBlock = maxBlock;
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest authorizeRequest) {
		Assert.notNull(authorizeRequest, "authorizeRequest must not be null");
		RegistrationCheck.requireRegistration(authorizeRequest, this.tokenState);
		return this.tokenState.authorizedClient().block(this.maxBlock);
	}

}
