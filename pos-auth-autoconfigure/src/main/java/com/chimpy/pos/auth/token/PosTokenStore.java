package com.chimpy.pos.auth.token;

import java.util.Map;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * Strategy for where the token of an account lives between renewals and who renews it.
 * The default, {@link InMemoryPosTokenStore}, keeps everything in the token state of one
 * application instance: every renewal is done here. A shared store lets a fleet of
 * instances hold one token per account: one instance renews, the others take its result.
 * <p>
 * A {@link PosTokenState} asks its store only when it renews (at the token's
 * refresh-ahead point, after a 401, or when it holds no token); serving a held token
 * never involves the store. A store never sees a password or a client secret: it gets the
 * {@link PosTokenRenewal} of the state, which runs the grant itself.
 */
public interface PosTokenStore {

	/**
	 * Renew the token of the account: run {@link PosTokenRenewal#renew} here, or take a
	 * token that another instance obtained. Every failure path must end: an
	 * implementation bounds its own waits.
	 * @param renewal the renewal of the token state asking
	 * @return the authorized client with the new token, or an error
	 */
	Mono<OAuth2AuthorizedClient> renew(PosTokenRenewal renewal);

	/**
	 * Forget shared rejections and failures of the account, after the application called
	 * {@link PosTokenState#reset()}.
	 * @param renewal the renewal of the token state that was reset
	 * @return completion
	 */
	default Mono<Void> reset(PosTokenRenewal renewal) {
		return Mono.empty();
	}

	/**
	 * Start telling the token state what other instances do (for example a reset), until
	 * the returned handle is disposed, which the token state does when it closes.
	 * @param renewal the renewal of the token state
	 * @return the handle that stops it
	 */
	default Disposable attach(PosTokenRenewal renewal) {
		return Disposables.disposed();
	}

	/**
	 * What a health check shows of the store: at least its {@code type}; a shared store
	 * also says whether it has fallen back to the state of this instance.
	 * @return the details, free of secrets
	 */
	default Map<String, Object> getDetails() {
		return Map.of("type", "memory");
	}

}
