package com.chimpy.pos.auth.webclient;

import java.net.URI;

import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Authenticates requests to the PoS API: adds {@code Authorization: Bearer <token>} to
 * requests for the origin (scheme, host and port) of the API's base URL, and to no other,
 * and after a 401 renews the token and replays the request once with the same method,
 * headers and body.
 * <p>
 * When the 401 answered the current token, that token is dropped and renewed through the
 * token state's single flight; when another request renewed it meanwhile, the replay
 * simply uses the new token. The 401's body is released before the replay. When the
 * rejected token had itself just replaced a rejected one, it is not replaced again until
 * the token state's backoff has passed, and the 401 goes to the caller. A second 401, a
 * 403 and every other status go to the caller unchanged. A request body must be
 * replayable for the retry ({@code bodyValue(..)} or a cold publisher).
 */
public final class PosBearerExchangeFilterFunction implements ExchangeFilterFunction {

	private final PosTokenState tokenState;

	private final ApiOrigin apiOrigin;

	/**
	 * Create a filter.
	 * @param tokenState where tokens come from
	 * @param apiBaseUrl the base URL of the PoS API; only its origin receives the token
	 */
	public PosBearerExchangeFilterFunction(PosTokenState tokenState, URI apiBaseUrl) {
		Assert.notNull(tokenState, "tokenState must not be null");
		this.tokenState = tokenState;
		this.apiOrigin = new ApiOrigin(apiBaseUrl);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (!this.apiOrigin.matches(request.url())) {
			return next.exchange(request);
		}
		OAuth2AuthorizedClient ready = this.tokenState.readyAuthorizedClient();
		if (ready != null) {
			return exchange(request, next, ready.getAccessToken());
		}
		return this.tokenState.authorizedClient().flatMap((client) -> exchange(request, next, client.getAccessToken()));
	}

	private Mono<ClientResponse> exchange(ClientRequest request, ExchangeFunction next, OAuth2AccessToken token) {
		return next.exchange(withBearer(request, token)).flatMap((response) -> {
			if (response.statusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
				this.tokenState.tokenAccepted(token);
				return Mono.just(response);
			}
			return this.tokenState.authorizedClientReplacing(token)
				.onErrorResume((ex) -> response.releaseBody().then(Mono.error(ex)))
				.doOnCancel(() -> response.releaseBody().subscribe())
				.flatMap((renewed) -> response.releaseBody().then(replay(request, next, renewed.getAccessToken())))
				// No replacement now (a fresh token was rejected moments ago): the caller
				// gets the 401.
				.switchIfEmpty(Mono.just(response));
		});
	}

	private Mono<ClientResponse> replay(ClientRequest request, ExchangeFunction next, OAuth2AccessToken token) {
		return next.exchange(withBearer(request, token)).doOnNext((replayed) -> {
			if (replayed.statusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
				this.tokenState.tokenAccepted(token);
			}
		});
	}

	private static ClientRequest withBearer(ClientRequest request, OAuth2AccessToken token) {
		return ClientRequest.from(request).headers((headers) -> headers.setBearerAuth(token.getTokenValue())).build();
	}

}
