package com.chimpy.pos.auth.token;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * The {@link PosTokenRenewal} a token state hands its store: its {@link RenewalAttempt}
 * and {@link CredentialGuard}, and the token a renewal starts from.
 */
final class StateRenewal implements PosTokenRenewal {

	private final String key;

	private final String name;

	private final RenewalAttempt attempt;

	private final CredentialGuard guard;

	private final Runnable resetHere;

	private final @Nullable OAuth2AccessToken current;

	private final boolean rejected;

	StateRenewal(String key, String name, RenewalAttempt attempt, CredentialGuard guard, Runnable resetHere,
			@Nullable OAuth2AccessToken current, boolean rejected) {
		this.key = key;
		this.name = name;
		this.attempt = attempt;
		this.guard = guard;
		this.resetHere = resetHere;
		this.current = current;
		this.rejected = rejected;
	}

	/**
	 * The same renewal, starting from the given token.
	 * @param token the access token being renewed, or {@code null}
	 * @param rejected whether the resource server rejected that token
	 * @return the renewal
	 */
	StateRenewal from(@Nullable OAuth2AccessToken token, boolean rejected) {
		return new StateRenewal(this.key, this.name, this.attempt, this.guard, this.resetHere, token,
				rejected && token != null);
	}

	@Override
	public String key() {
		return this.key;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public @Nullable OAuth2AccessToken currentToken() {
		return this.current;
	}

	@Override
	public boolean replacesRejected() {
		return this.rejected;
	}

	@Override
	public @Nullable OAuth2RefreshToken refreshToken() {
		return this.attempt.refreshToken();
	}

	@Override
	public Mono<OAuth2AuthorizedClient> renew(@Nullable OAuth2RefreshToken refreshToken) {
		return renew(null, refreshToken);
	}

	@Override
	public Mono<OAuth2AuthorizedClient> renew(@Nullable OAuth2AccessToken accessToken,
			@Nullable OAuth2RefreshToken refreshToken) {
		return Mono.defer(() -> {
			this.attempt.adopt(refreshToken);
			return this.attempt.renew((accessToken != null) ? accessToken : this.current);
		});
	}

	@Override
	public OAuth2AuthorizedClient authorizedClient(OAuth2AccessToken accessToken,
			@Nullable OAuth2RefreshToken refreshToken) {
		return this.attempt.authorizedClient(accessToken, refreshToken);
	}

	@Override
	public CredentialGuardState guardState() {
		return this.guard.state();
	}

	@Override
	public void adoptGuardState(CredentialGuardState state) {
		this.guard.adopt(state);
	}

	@Override
	public void resetHere() {
		this.resetHere.run();
	}

	@Override
	public String toString() {
		return "PosTokenRenewal{name=" + this.name + "}";
	}

}
