package com.chimpy.pos.auth.webclient;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.account.PosAccounts;
import com.chimpy.pos.auth.account.PosTokenStates;
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
 * <p>
 * With many accounts ({@link PosTokenStates}) a request uses the account named by its
 * {@link PosAccounts#ATTRIBUTE pos.account} attribute, else the one named by the
 * {@link PosAccounts#CONTEXT_KEY pos.account} entry of the Reactor context, else the
 * default account. Tokens, renewals and the 401 replay are those of that account only; a
 * named account that is unknown fails the request before it is sent.
 */
public final class PosBearerExchangeFilterFunction implements ExchangeFilterFunction {

	private final PosTokenStates tokenStates;

	private final ApiOrigin apiOrigin;

	/**
	 * Create a filter for a single account.
	 * @param tokenState where tokens come from
	 * @param apiBaseUrl the base URL of the PoS API; only its origin receives the token
	 */
	public PosBearerExchangeFilterFunction(PosTokenState tokenState, URI apiBaseUrl) {
		this(PosTokenStates.of(tokenState), apiBaseUrl);
	}

	/**
	 * Create a filter for many accounts.
	 * @param tokenStates where the tokens of each account come from
	 * @param apiBaseUrl the base URL of the PoS API; only its origin receives the token
	 */
	public PosBearerExchangeFilterFunction(PosTokenStates tokenStates, URI apiBaseUrl) {
		Assert.notNull(tokenStates, "tokenStates must not be null");
		this.tokenStates = tokenStates;
		this.apiOrigin = new ApiOrigin(apiBaseUrl);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (!this.apiOrigin.matches(request.url())) {
			return next.exchange(request);
		}
		Object account = request.attributes().get(PosAccounts.ATTRIBUTE);
		if (account != null) {
			return (account instanceof String name) ? filter(request, next, name) : invalidAccount(account);
		}
		return Mono.deferContextual((context) -> {
			Object fromContext = context.getOrDefault(PosAccounts.CONTEXT_KEY, null);
			if (fromContext == null) {
				return filter(request, next, null);
			}
			return (fromContext instanceof String name) ? filter(request, next, name) : invalidAccount(fromContext);
		});
	}

	private Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next, @Nullable String account) {
		PosTokenState state = (account != null) ? this.tokenStates.held(account) : this.tokenStates.getDefault();
		if (state != null) {
			OAuth2AuthorizedClient ready = state.readyAuthorizedClient();
			if (ready != null) {
				return exchange(state, request, next, ready.getAccessToken());
			}
			return authorizedExchange(state, request, next);
		}
		return this.tokenStates.state(account).flatMap((created) -> authorizedExchange(created, request, next));
	}

	private Mono<ClientResponse> authorizedExchange(PosTokenState state, ClientRequest request, ExchangeFunction next) {
		return state.authorizedClient().flatMap((client) -> exchange(state, request, next, client.getAccessToken()));
	}

	private static Mono<ClientResponse> invalidAccount(Object account) {
		return Mono.error(new IllegalArgumentException("The '" + PosAccounts.ATTRIBUTE
				+ "' of a PoS API call must be the name of an account (a String), not a "
				+ account.getClass().getName()));
	}

	private Mono<ClientResponse> exchange(PosTokenState state, ClientRequest request, ExchangeFunction next,
			OAuth2AccessToken token) {
		return next.exchange(withBearer(request, token)).flatMap((response) -> {
			if (response.statusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
				state.tokenAccepted(token);
				return Mono.just(response);
			}
			return state.authorizedClientReplacing(token)
				.onErrorResume((ex) -> response.releaseBody().then(Mono.error(ex)))
				.doOnCancel(() -> response.releaseBody().subscribe())
				.flatMap((renewed) -> response.releaseBody()
					.then(replay(state, request, next, renewed.getAccessToken())))
				// No replacement now (a fresh token was rejected moments ago): the caller
				// gets the 401.
				.switchIfEmpty(Mono.just(response));
		});
	}

	private Mono<ClientResponse> replay(PosTokenState state, ClientRequest request, ExchangeFunction next,
			OAuth2AccessToken token) {
		return next.exchange(withBearer(request, token)).doOnNext((replayed) -> {
			if (replayed.statusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
				state.tokenAccepted(token);
			}
		});
	}

	private static ClientRequest withBearer(ClientRequest request, OAuth2AccessToken token) {
		return ClientRequest.from(request).headers((headers) -> headers.setBearerAuth(token.getTokenValue())).build();
	}

}
