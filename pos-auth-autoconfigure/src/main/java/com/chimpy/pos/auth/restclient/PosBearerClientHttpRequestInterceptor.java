package com.chimpy.pos.auth.restclient;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.account.PosAccounts;
import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.webclient.ApiOrigin;

import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.util.Assert;

/**
 * The {@code RestClient} counterpart of
 * {@link com.chimpy.pos.auth.webclient.PosBearerExchangeFilterFunction}: adds the bearer
 * token to requests for the PoS API's origin only, and after a 401 renews the token
 * through the same {@link PosTokenState} (one cache, one flight for every client) and
 * replays the request once. The 401's body is closed before the replay; when the rejected
 * token had itself just replaced a rejected one, the 401 goes to the caller until the
 * token state's backoff has passed; a second 401, a 403 and every other status go to the
 * caller.
 * <p>
 * The calling thread blocks while no usable token is held, at most for the given limit;
 * this interceptor is meant for servlet and other blocking code.
 * <p>
 * With many accounts ({@link PosTokenStates}) a request uses the account named by its
 * {@link PosAccounts#ATTRIBUTE pos.account} attribute, else the default account; a named
 * account that is unknown fails the request before it is sent.
 */
public final class PosBearerClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

	private final PosTokenStates tokenStates;

	private final ApiOrigin apiOrigin;

	private final Duration maxBlock;

	/**
	 * Create an interceptor for a single account.
	 * @param tokenState where tokens come from
	 * @param apiBaseUrl the base URL of the PoS API; only its origin receives the token
	 * @param maxBlock the longest a request waits for a token
	 */
	public PosBearerClientHttpRequestInterceptor(PosTokenState tokenState, URI apiBaseUrl, Duration maxBlock) {
		this(PosTokenStates.of(tokenState), apiBaseUrl, maxBlock);
	}

	/**
	 * Create an interceptor for many accounts.
	 * @param tokenStates where the tokens of each account come from
	 * @param apiBaseUrl the base URL of the PoS API; only its origin receives the token
	 * @param maxBlock the longest a request waits for a token
	 */
	public PosBearerClientHttpRequestInterceptor(PosTokenStates tokenStates, URI apiBaseUrl, Duration maxBlock) {
		Assert.notNull(tokenStates, "tokenStates must not be null");
		Assert.notNull(maxBlock, "maxBlock must not be null");
		this.tokenStates = tokenStates;
		this.apiOrigin = new ApiOrigin(apiBaseUrl);
		this.maxBlock = maxBlock;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		if (!this.apiOrigin.matches(request.getURI())) {
			return execution.execute(request, body);
		}
		PosTokenState state = tokenState(request);
		OAuth2AuthorizedClient ready = state.readyAuthorizedClient();
		OAuth2AccessToken token = token((ready != null) ? ready : state.authorizedClient().block(this.maxBlock));
		request.getHeaders().setBearerAuth(token.getTokenValue());
		ClientHttpResponse response = execution.execute(request, body);
		if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
			state.tokenAccepted(token);
			return response;
		}
		OAuth2AuthorizedClient replacement;
		try {
			replacement = state.authorizedClientReplacing(token).block(this.maxBlock);
		}
		catch (RuntimeException ex) {
			response.close();
			throw ex;
		}
		if (replacement == null) {
			// No replacement now (a fresh token was rejected moments ago): the caller
			// gets the 401.
			return response;
		}
		response.close();
		OAuth2AccessToken renewed = replacement.getAccessToken();
		request.getHeaders().setBearerAuth(renewed.getTokenValue());
		ClientHttpResponse replayed = execution.execute(request, body);
		if (replayed.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()) {
			state.tokenAccepted(renewed);
		}
		return replayed;
	}

	private PosTokenState tokenState(HttpRequest request) {
		Object account = request.getAttributes().get(PosAccounts.ATTRIBUTE);
		if (account == null) {
			PosTokenState state = this.tokenStates.getDefault();
			return (state != null) ? state : blockFor(this.tokenStates.defaultAccount());
		}
		if (!(account instanceof String name)) {
			throw new IllegalArgumentException("The '" + PosAccounts.ATTRIBUTE
					+ "' of a PoS API call must be the name of an account (a String), not a "
					+ account.getClass().getName());
		}
		PosTokenState held = this.tokenStates.held(name);
		return (held != null) ? held : blockFor(this.tokenStates.account(name));
	}

	private PosTokenState blockFor(Mono<PosTokenState> state) {
		PosTokenState found = state.block(this.maxBlock);
		Assert.state(found != null, "No token state was found");
		return found;
	}

	private static OAuth2AccessToken token(@Nullable OAuth2AuthorizedClient client) {
		Assert.state(client != null, "No authorized client was obtained");
		return client.getAccessToken();
	}

}
