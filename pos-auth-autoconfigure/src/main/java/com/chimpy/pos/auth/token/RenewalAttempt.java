package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * One renewal: by refresh token when one is held, falling back to the password grant in
 * the same attempt when the server refuses the refresh token; by password grant
 * otherwise, unless the {@link CredentialGuard} holds password grants back. It keeps the
 * newest refresh token and drops one that may have reached the server with a failed
 * request (it may be rotated already, and Auth0 revokes the whole family on reuse): only
 * a request that provably never left keeps it.
 */
final class RenewalAttempt {

	private static final Log logger = LogFactory.getLog(RenewalAttempt.class);

	private final ClientRegistration registration;

	private final Authentication principal;

	private final ReactiveOAuth2AuthorizedClientProvider passwordProvider;

	private final ReactiveOAuth2AuthorizedClientProvider refreshProvider;

	private final CredentialGuard guard;

	private final Clock clock;

	private final AtomicReference<@Nullable OAuth2RefreshToken> refreshToken = new AtomicReference<>();

	RenewalAttempt(ClientRegistration registration, ReactiveOAuth2AuthorizedClientProvider passwordProvider,
			ReactiveOAuth2AuthorizedClientProvider refreshProvider, CredentialGuard guard, Clock clock) {
		this.registration = registration;
		this.principal = UsernamePasswordAuthenticationToken.unauthenticated(registration.getRegistrationId(), null);
		this.passwordProvider = passwordProvider;
		this.refreshProvider = refreshProvider;
		this.guard = guard;
		this.clock = clock;
	}

	/**
	 * The renewal of the given token, or the first token.
	 * @param current the access token being renewed, or {@code null} when none is held
	 * @return the new authorized client, or an error
	 */
	Mono<OAuth2AuthorizedClient> renew(@Nullable OAuth2AccessToken current) {
		Mono<OAuth2AuthorizedClient> password = Mono.defer(() -> {
			ClientAuthorizationException refusal = this.guard.refusal(this.clock.instant());
			if (refusal != null) {
				return Mono.error(refusal);
			}
			return this.passwordProvider.authorize(context(null)).map(this::onClock).doOnError(this::recordRejection);
		});
		OAuth2RefreshToken refresh = this.refreshToken.get();
		if (refresh == null || current == null) {
			return password;
		}
		OAuth2AuthorizedClient renewable = new OAuth2AuthorizedClient(this.registration, this.principal.getName(),
				current, refresh);
		return Mono.defer(() -> this.refreshProvider.authorize(context(renewable)))
			.map(this::onClock)
			// Cancelled by the request timeout or by close(): the request may have
			// reached the server.
			.doOnCancel(() -> forget(refresh))
			.onErrorResume((ex) -> {
				if (isRefreshRejected(ex)) {
					forget(refresh);
					logger.info("The refresh token of client registration '" + this.registration.getRegistrationId()
							+ "' was rejected (" + ((ClientAuthorizationException) ex).getError().getErrorCode()
							+ "); renewing with the password grant");
					return password;
				}
				if (!(ex instanceof TokenEndpointException tee) || tee.isRequestSent()) {
					// The server may have rotated it already: sending it again would be
					// reuse.
					forget(refresh);
				}
				return Mono.error(ex);
			});
	}

	/**
	 * The new authorized client with its token's life counted on this attempt's clock
	 * from now, when it arrived: Spring Security's token response stamps the system time,
	 * which a token state on another clock (virtual time in tests) must not mix with its
	 * own.
	 * @param client the authorized client from a provider
	 * @return the authorized client on this clock
	 */
	private OAuth2AuthorizedClient onClock(OAuth2AuthorizedClient client) {
		OAuth2AccessToken token = client.getAccessToken();
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (issuedAt == null || expiresAt == null) {
			return client;
		}
		Instant now = this.clock.instant();
		OAuth2AccessToken onClock = new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), now,
				now.plus(Duration.between(issuedAt, expiresAt)), token.getScopes());
		return new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(), onClock,
				client.getRefreshToken());
	}

	/**
	 * Keep the refresh token of a new authorized client (none when it has none).
	 * @param client the client
	 */
	void renewed(OAuth2AuthorizedClient client) {
		this.refreshToken.set(client.getRefreshToken());
	}

	/**
	 * Take the given refresh token (a fleet's current one) in place of the one held.
	 * @param refresh the refresh token, or {@code null}
	 */
	void adopt(@Nullable OAuth2RefreshToken refresh) {
		this.refreshToken.set(refresh);
	}

	/**
	 * The refresh token the next renewal would use.
	 * @return the refresh token, or {@code null}
	 */
	@Nullable OAuth2RefreshToken refreshToken() {
		return this.refreshToken.get();
	}

	/**
	 * The authorized client of a token obtained elsewhere.
	 * @param accessToken the access token
	 * @param refresh the refresh token that came with it, or {@code null}
	 * @return the authorized client
	 */
	OAuth2AuthorizedClient authorizedClient(OAuth2AccessToken accessToken, @Nullable OAuth2RefreshToken refresh) {
		return new OAuth2AuthorizedClient(this.registration, this.principal.getName(), accessToken, refresh);
	}

	/**
	 * Whether the next renewal can use a refresh token.
	 * @return whether the next renewal can use a refresh token
	 */
	boolean holdsRefreshToken() {
		return this.refreshToken.get() != null;
	}

	/**
	 * Whether the authorization server refused the refresh token (an OAuth2 error that is
	 * not an outage).
	 * @param ex the failure
	 * @return whether the authorization server refused the refresh token
	 */
	private static boolean isRefreshRejected(Throwable ex) {
		return ex instanceof ClientAuthorizationException && !TokenEndpointException.isTransient(ex)
				&& !(ex instanceof TokenEndpointException tee && tee.getKind() != TokenEndpointException.Kind.REJECTED);
	}

	private void recordRejection(Throwable ex) {
		if (TokenEndpointException.isCredentialRejection(ex)) {
			this.guard.rejected(((ClientAuthorizationException) ex).getError(), this.clock.instant());
		}
	}

	private void forget(OAuth2RefreshToken spent) {
		this.refreshToken.compareAndSet(spent, null);
	}

	private OAuth2AuthorizationContext context(@Nullable OAuth2AuthorizedClient authorizedClient) {
		OAuth2AuthorizationContext.Builder builder = (authorizedClient != null)
				? OAuth2AuthorizationContext.withAuthorizedClient(authorizedClient)
				: OAuth2AuthorizationContext.withClientRegistration(this.registration);
		return builder.principal(this.principal).build();
	}

}
