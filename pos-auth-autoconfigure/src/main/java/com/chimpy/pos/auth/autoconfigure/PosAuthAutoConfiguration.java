package com.chimpy.pos.auth.autoconfigure;

import java.time.Clock;
import java.util.List;

import io.micrometer.observation.ObservationRegistry;
import reactor.core.scheduler.Schedulers;

import com.chimpy.pos.auth.account.PosAccountResolver;
import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.observation.ObservedTokenResponseClient;
import com.chimpy.pos.auth.observation.PosTokenRequestObservationConvention;
import com.chimpy.pos.auth.token.PosAuthorizedClientManager;
import com.chimpy.pos.auth.token.PosReactiveAuthorizedClientManager;
import com.chimpy.pos.auth.token.PosTokenResponseClient;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.PosTokenStore;

import org.springframework.beans.factory.ListableBeanFactory;
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
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the token side of pos-auth: the token endpoint client, the one
 * shared {@link PosTokenState} of the default account ({@code pos.auth.username}, when
 * set), the {@link PosTokenStates} of all accounts ({@code posTokenStates}: the default
 * one, {@code pos.auth.accounts.*} and those of the application's
 * {@link PosAccountResolver} beans), and the {@code posAuthorizedClientManager} and
 * {@code posReactiveAuthorizedClientManager} views of them. Active when any
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

	PosAuthAutoConfiguration(PosAuthProperties auth, PosApiProperties api, ListableBeanFactory beanFactory) {
		PosPropertiesValidator.validate(auth, api,
				beanFactory.getBeanNamesForType(PosAccountResolver.class, true, false).length > 0);
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
	@ConditionalOnMissingBean(name = "posTokenStateFactory")
	PosAccountTokenStateFactory posTokenStateFactory(PosAuthProperties auth,
			@Qualifier("posAccessTokenResponseClient") ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> posAccessTokenResponseClient,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<PosTokenRequestObservationConvention> observationConvention,
			@Qualifier("posTokenStore") ObjectProvider<PosTokenStore> posTokenStore, ResourceLoader resourceLoader) {
		PosTokenStore store = PosTokenStores.select(auth, posTokenStore.getIfAvailable(),
				resourceLoader.getClassLoader());
		ObservedTokenResponseClient responseClient = new ObservedTokenResponseClient(posAccessTokenResponseClient,
				observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		observationConvention.ifAvailable(responseClient::setObservationConvention);
		return new PosAccountTokenStateFactory(auth, responseClient, store, Clock.systemUTC(), Schedulers.parallel());
	}

	@Bean
	@Conditional(OnDefaultAccountCondition.class)
	@ConditionalOnMissingBean(name = "posTokenState", value = PosTokenState.class)
	PosTokenState posTokenState(@Qualifier("posTokenStateFactory") PosAccountTokenStateFactory posTokenStateFactory) {
		return posTokenStateFactory.createDefault();
	}

	@Bean
	@ConditionalOnMissingBean(name = "posTokenStates", value = PosTokenStates.class)
	PosTokenStates posTokenStates(PosAuthProperties auth, ObjectProvider<PosTokenState> posTokenState,
			ObjectProvider<PosAccountResolver> accountResolvers,
			@Qualifier("posTokenStateFactory") PosAccountTokenStateFactory posTokenStateFactory) {
		PosTokenState defaultState = posTokenState.getIfUnique();
		List<PosAccountResolver> resolvers = accountResolvers.orderedStream().toList();
		if (defaultState != null && auth.getAccounts().isEmpty() && resolvers.isEmpty()) {
			return PosTokenStates.of(defaultState);
		}
		return new PosTokenStates(defaultState, new PosConfiguredAccounts(auth.getAccounts(), resolvers),
				posTokenStateFactory, auth.getAccountIdleTimeout(), Clock.systemUTC(), Schedulers.parallel());
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "posAuthorizedClientManager")
	OAuth2AuthorizedClientManager posAuthorizedClientManager(PosTokenStates posTokenStates, PosAuthProperties auth) {
		return new PosAuthorizedClientManager(posTokenStates, registrationId(posTokenStates),
				auth.toRenewalSettings().maxBlock());
	}

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "posReactiveAuthorizedClientManager")
	ReactiveOAuth2AuthorizedClientManager posReactiveAuthorizedClientManager(PosTokenStates posTokenStates) {
		return new PosReactiveAuthorizedClientManager(posTokenStates, registrationId(posTokenStates));
	}

	private static String registrationId(PosTokenStates states) {
		PosTokenState defaultState = states.getDefault();
		return (defaultState != null) ? defaultState.getClientRegistration().getRegistrationId() : REGISTRATION_ID;
	}

	@Bean
	@ConditionalOnClass(name = SpringSecurityDefaultManagerRegistrar.SPRING_SECURITY_CONFIG)
	static SpringSecurityDefaultManagerRegistrar posSpringSecurityDefaultManagerRegistrar() {
		return new SpringSecurityDefaultManagerRegistrar();
	}

	@Bean
	@ConditionalOnBooleanProperty("pos.auth.warm-up")
	ApplicationListener<ApplicationReadyEvent> posTokenWarmUp(ObjectProvider<PosTokenState> posTokenState) {
		return (event) -> posTokenState.ifUnique(PosTokenState::warmUp);
	}

}
