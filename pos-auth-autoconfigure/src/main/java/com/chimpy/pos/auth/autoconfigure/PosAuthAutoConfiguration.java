package com.chimpy.pos.auth.autoconfigure;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;
import reactor.core.scheduler.Schedulers;

import com.chimpy.pos.auth.observation.ObservedTokenResponseClient;
import com.chimpy.pos.auth.observation.PosTokenRequestObservationConvention;
import com.chimpy.pos.auth.token.PasswordGrantReactiveAuthorizedClientProvider;
import com.chimpy.pos.auth.token.PasswordGrantRequest;
import com.chimpy.pos.auth.token.PosAuthorizedClientManager;
import com.chimpy.pos.auth.token.PosReactiveAuthorizedClientManager;
import com.chimpy.pos.auth.token.PosTokenResponseClient;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.PosTokenStore;
import com.chimpy.pos.auth.token.TokenStoreKey;
import com.chimpy.pos.auth.token.RefreshTokenGrantReactiveAuthorizedClientProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the token side of pos-auth: the token endpoint client, the one
 * shared {@link PosTokenState}, and the {@code posAuthorizedClientManager} and
 * {@code posReactiveAuthorizedClientManager} views of it. Active when any
 * {@code pos.auth.*} or {@code pos.api.*} property is set; every bean backs off when the
 * application defines its own.
 * <p>
 * The two managers are not default injection candidates: they are injected where the
 * injection point names them with {@code @Qualifier}, so the application's own managers,
 * and Spring Security's default one, keep being the ones injected by type. With Spring
 * Security's OAuth2 client configuration in the application,
 * {@link SpringSecurityDefaultManagerRegistrar} registers Spring's default manager, which
 * Spring itself would leave out because pos-auth's managers exist.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration")
@ConditionalOnClass({ ReactiveOAuth2AuthorizedClientManager.class, WebClient.class })
@Conditional(OnPosPropertiesCondition.class)
@EnableConfigurationProperties({ PosAuthProperties.class, PosApiProperties.class })
public final class PosAuthAutoConfiguration {

	/**
	 * The registration id of the PoS client.
	 */
	public static final String REGISTRATION_ID = "pos";

	PosAuthAutoConfiguration(PosAuthProperties auth, PosApiProperties api) {
		PosPropertiesValidator.validate(auth, api);
	}

	@Bean
	PosHttpClients posHttpClients(ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<HttpClientSettings> httpClientSettings, ObjectProvider<SslBundles> sslBundles,
			ResourceLoader resourceLoader) {
		return new PosHttpClients(connectorBuilder, requestFactoryBuilder, httpClientSettings, sslBundles,
				resourceLoader.getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean(name = "posAccessTokenResponseClient")
	PosTokenResponseClient posAccessTokenResponseClient(PosAuthProperties auth, PosHttpClients posHttpClients) {
		WebClient tokenClient = WebClient.builder()
			.clientConnector(posHttpClients.tokenEndpointConnector(auth.getSslBundle(), auth.getConnectTimeout(),
					auth.getReadTimeout()))
			.build();
		return new PosTokenResponseClient(tokenClient, auth.getRequestFormat(), auth.getAudience());
	}

	@Bean
	@ConditionalOnMissingBean
	PosTokenState posTokenState(PosAuthProperties auth,
			@Qualifier("posAccessTokenResponseClient") ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> posAccessTokenResponseClient,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<PosTokenRequestObservationConvention> observationConvention,
			@Qualifier("posTokenStore") ObjectProvider<PosTokenStore> posTokenStore, ResourceLoader resourceLoader) {
		PosTokenStore store = PosTokenStores.select(auth, posTokenStore.getIfAvailable(),
				resourceLoader.getClassLoader());
		ObservedTokenResponseClient responseClient = new ObservedTokenResponseClient(posAccessTokenResponseClient,
				observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		observationConvention.ifAvailable(responseClient::setObservationConvention);
		ClientRegistration.Builder registration = ClientRegistration.withRegistrationId(REGISTRATION_ID)
			.clientId(PosPropertiesValidator.validated("pos.auth.client-id", auth.getClientId()))
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(PosPropertiesValidator.validated("pos.auth.token-uri", auth.getTokenUri()).trim());
		if (StringUtils.hasText(auth.getClientSecret())) {
			registration.clientSecret(auth.getClientSecret());
		}
		if (StringUtils.hasText(auth.getScope())) {
			registration.scope(StringUtils.tokenizeToStringArray(auth.getScope(), " ,"));
		}
		String username = PosPropertiesValidator.validated("pos.auth.username", auth.getUsername());
		ClientRegistration built = registration.build();
		return new PosTokenState(built,
				new PasswordGrantReactiveAuthorizedClientProvider(responseClient, username,
						PosPropertiesValidator.validated("pos.auth.password", auth.getPassword())),
				new RefreshTokenGrantReactiveAuthorizedClientProvider(responseClient), auth.toRenewalSettings(),
				Clock.systemUTC(), Schedulers.parallel(), store, TokenStoreKey.of(built, auth.getAudience(), username),
				REGISTRATION_ID);
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "posAuthorizedClientManager")
	OAuth2AuthorizedClientManager posAuthorizedClientManager(PosTokenState posTokenState, PosAuthProperties auth) {
		return new PosAuthorizedClientManager(posTokenState, auth.toRenewalSettings().maxBlock());
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "posReactiveAuthorizedClientManager")
	ReactiveOAuth2AuthorizedClientManager posReactiveAuthorizedClientManager(PosTokenState posTokenState) {
		return new PosReactiveAuthorizedClientManager(posTokenState);
	}

	@Bean
	@ConditionalOnClass(name = SpringSecurityDefaultManagerRegistrar.SPRING_SECURITY_CONFIG)
	static SpringSecurityDefaultManagerRegistrar posSpringSecurityDefaultManagerRegistrar() {
		return new SpringSecurityDefaultManagerRegistrar();
	}

	@Bean
	@ConditionalOnBooleanProperty("pos.auth.warm-up")
	ApplicationListener<ApplicationReadyEvent> posTokenWarmUp(PosTokenState posTokenState) {
		return (event) -> posTokenState.warmUp();
	}

}
