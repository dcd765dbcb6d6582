package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.DelegatingOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * pos-auth's reactive providers behind Spring Security's imperative
 * {@code OAuth2AuthorizedClientProvider} interface, inside Spring's own delegating
 * provider.
 */
class BlockingAuthorizedClientProviderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
		.clientId("client")
		.authorizationGrantType(PasswordGrantRequest.PASSWORD)
		.tokenUri("https://auth.example.com/oauth/token")
		.build();

	private final List<AbstractOAuth2AuthorizationGrantRequest> requests = new ArrayList<>();

	private final ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> issuing = (
			request) -> {
		this.requests.add(request);
		return Mono.just(OAuth2AccessTokenResponse.withToken("at-" + this.requests.size())
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(60)
			.refreshToken("rt-" + this.requests.size())
			.build());
	};

	@Test
	void passwordGrantThroughSpringsDelegatingProvider() {
		DelegatingOAuth2AuthorizedClientProvider provider = new DelegatingOAuth2AuthorizedClientProvider(
				new BlockingAuthorizedClientProvider(
						new RefreshTokenGrantReactiveAuthorizedClientProvider(this.issuing), TIMEOUT),
				new BlockingAuthorizedClientProvider(
						new PasswordGrantReactiveAuthorizedClientProvider(this.issuing, "cashier", "s3cret"), TIMEOUT));

		OAuth2AuthorizedClient client = provider.authorize(
				OAuth2AuthorizationContext.withClientRegistration(this.registration).principal(principal()).build());

		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-1");
		assertThat(client.getRefreshToken().getTokenValue()).isEqualTo("rt-1");
		assertThat(this.requests).singleElement()
			.isInstanceOfSatisfying(PasswordGrantRequest.class,
					(request) -> assertThat(request.getUsername()).isEqualTo("cashier"));
	}

	@Test
	void refreshGrantWhenTheContextHoldsARefreshToken() {
		BlockingAuthorizedClientProvider provider = new BlockingAuthorizedClientProvider(
				new RefreshTokenGrantReactiveAuthorizedClientProvider(this.issuing), TIMEOUT);
		OAuth2AuthorizedClient held = new OAuth2AuthorizedClient(this.registration, "pos",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "old", Instant.now(),
						Instant.now().plusSeconds(1)),
				new org.springframework.security.oauth2.core.OAuth2RefreshToken("rt-0", Instant.now()));

		OAuth2AuthorizedClient renewed = provider
			.authorize(OAuth2AuthorizationContext.withAuthorizedClient(held).principal(principal()).build());

		assertThat(renewed.getAccessToken().getTokenValue()).isEqualTo("at-1");
		assertThat(renewed.getRefreshToken().getTokenValue()).isEqualTo("rt-1");
	}

	@Test
	void nothingToDoIsNull() {
		BlockingAuthorizedClientProvider provider = new BlockingAuthorizedClientProvider(
				new RefreshTokenGrantReactiveAuthorizedClientProvider(this.issuing), TIMEOUT);

		assertThat(provider.authorize(
				OAuth2AuthorizationContext.withClientRegistration(this.registration).principal(principal()).build()))
			.isNull();
		assertThat(this.requests).isEmpty();
	}

	@Test
	void tokenFailureIsThrownAsIs() {
		OAuth2Error invalidGrant = new OAuth2Error("invalid_grant", "Wrong email or password.", null);
		BlockingAuthorizedClientProvider provider = new BlockingAuthorizedClientProvider(
				new PasswordGrantReactiveAuthorizedClientProvider(
						(request) -> Mono.error(new ClientAuthorizationException(invalidGrant, "pos")), "cashier",
						"s3cret"),
				TIMEOUT);

		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> provider.authorize(
				OAuth2AuthorizationContext.withClientRegistration(this.registration).principal(principal()).build()))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant"));
	}

	private static UsernamePasswordAuthenticationToken principal() {
		return UsernamePasswordAuthenticationToken.unauthenticated("pos", null);
	}

}
