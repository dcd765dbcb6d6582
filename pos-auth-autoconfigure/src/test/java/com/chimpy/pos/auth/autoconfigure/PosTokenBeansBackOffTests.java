package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PasswordGrantRequest;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.TokenRenewalSettings;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's promise that {@code posTokenState} and
 * {@code posAccessTokenResponseClient} back off for application beans of the same name:
 * the application's bean is the one every pos-auth client uses, and pos-auth's own never
 * reaches the token endpoint (counted from the sandbox's journal).
 */
class PosTokenBeansBackOffTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	private static final PosSandbox sandbox = extension.sandbox();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
				PosWebClientAutoConfiguration.class))
		.withPropertyValues(sandbox.springPropertyValues());

	@Test
	void applicationTokenStateNamedPosTokenStateIsTheOneUsed() {
		PosTokenState own = applicationTokenState("from-the-application");
		this.runner.withBean("posTokenState", PosTokenState.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(PosTokenState.class);
			assertThat(context.getBean("posTokenState")).isSameAs(own);
			ReactiveOAuth2AuthorizedClientManager manager = context.getBean("posReactiveAuthorizedClientManager",
					ReactiveOAuth2AuthorizedClientManager.class);
			OAuth2AuthorizedClient client = manager
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("pos").principal("anyone").build())
				.block(TIMEOUT);
			assertThat(client.getAccessToken().getTokenValue()).isEqualTo("from-the-application");
			assertThat(sandbox.tokenRequests()).as("pos-auth's own state never asked the token endpoint").isZero();
		});
	}

	@Test
	void applicationTokenStateUnderAnotherNameMakesPosAuthsBackOff() {
		PosTokenState own = applicationTokenState("from-the-application");
		this.runner.withBean("myTokenState", PosTokenState.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(PosTokenState.class);
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			webClient.get().uri("/products").retrieve().toBodilessEntity().onErrorComplete().block(TIMEOUT);
			assertThat(sandbox.tokenRequests()).isZero();
			// The sandbox does not know the application's token: it answers 401 and the
			// call is replayed once, with the application's token again.
			assertThat(sandbox.apiRequestEvents()).isNotEmpty()
				.allSatisfy((event) -> assertThat(event.getRequest().getHeader("Authorization"))
					.isEqualTo("Bearer from-the-application"));
		});
	}

	private static PosTokenState applicationTokenState(String tokenValue) {
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId("application-client")
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(sandbox.tokenUri())
			.build();
		ReactiveOAuth2AuthorizedClientProvider provider = (context) -> Mono
			.just(new OAuth2AuthorizedClient(registration, "application", new OAuth2AccessToken(
					OAuth2AccessToken.TokenType.BEARER, tokenValue, Instant.now(), Instant.now().plusSeconds(3600))));
		return new PosTokenState(registration, provider, provider, TokenRenewalSettings.defaults());
	}

}
