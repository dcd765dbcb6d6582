package com.chimpy.pos.auth.token;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * The {@link PosTokenStore} of a single application instance: the token state itself is
 * the store, and every renewal is done here.
 */
public final class InMemoryPosTokenStore implements PosTokenStore {

	/**
	 * The one instance; it holds no state of its own.
	 */
	public static final InMemoryPosTokenStore INSTANCE = new InMemoryPosTokenStore();

	private InMemoryPosTokenStore() {
	}

	@Override
	public Mono<OAuth2AuthorizedClient> renew(PosTokenRenewal renewal) {
		return renewal.renew(renewal.refreshToken());
	}

	@Override
	public String toString() {
		return "InMemoryPosTokenStore";
	}

}
