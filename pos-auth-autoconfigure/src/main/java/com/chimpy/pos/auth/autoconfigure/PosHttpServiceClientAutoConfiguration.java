package com.chimpy.pos.auth.autoconfigure;

import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.httpservice.PosRestClientHttpServiceGroupConfigurer;
import com.chimpy.pos.auth.httpservice.PosWebClientHttpServiceGroupConfigurer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceProxyRegistry;

/**
 * Auto-configuration of HTTP service clients for the PoS API: the application declares an
 * interface with {@code @HttpExchange} methods and imports it into the group named by
 * {@code pos.api.http-service-group} ({@code pos} by default) with
 * {@code @ImportHttpServices(group = "pos", types = ...)}; every call of the proxy then
 * goes through pos-auth (bearer token for the API's origin only, the shared token state,
 * one replay after a 401), with a {@code RestClient} or a {@code WebClient} group alike.
 * <p>
 * The group's base URL and client settings are Spring Boot's
 * {@code spring.http.serviceclient.<group>.*} where the application sets them, else
 * {@code pos.api.base-url}, {@code pos.api.connect-timeout}, {@code pos.api.read-timeout}
 * and {@code pos.api.ssl-bundle}. Other groups are not touched. Active when the
 * application imports HTTP services and pos-auth's token state exists; each configurer
 * backs off when the application defines a bean of the same name.
 */
@AutoConfiguration(after = PosAuthAutoConfiguration.class, afterName = {
		"org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration",
		"org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration",
		"org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration" })
@ConditionalOnClass(HttpServiceProxyRegistry.class)
@ConditionalOnBean({ PosTokenStates.class, HttpServiceProxyRegistry.class })
public final class PosHttpServiceClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "posRestClientHttpServiceGroupConfigurer")
	PosRestClientHttpServiceGroupConfigurer posRestClientHttpServiceGroupConfigurer(PosTokenStates posTokenStates,
			PosAuthProperties auth, PosApiProperties api, ObjectProvider<HttpServiceClientProperties> groups,
			ObjectProvider<SslBundles> sslBundles, PosHttpClients posHttpClients) {
		PosHttpServiceGroupSettings settings = PosHttpServiceGroupSettings.of(api, groups.getIfAvailable(),
				sslBundles.getIfAvailable(), posHttpClients);
		PosRestClientHttpServiceGroupConfigurer configurer = new PosRestClientHttpServiceGroupConfigurer(
				api.getHttpServiceGroup().trim(), settings.baseUrl(), posTokenStates,
				auth.toRenewalSettings().maxBlock());
		configurer.setRequestFactory(() -> posHttpClients.requestFactory(settings.clientSettings()));
		return configurer;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebClientHttpServiceGroupConfigurer.class)
	static class WebClientGroupConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "posWebClientHttpServiceGroupConfigurer")
		PosWebClientHttpServiceGroupConfigurer posWebClientHttpServiceGroupConfigurer(PosTokenStates posTokenStates,
				PosApiProperties api, ObjectProvider<HttpServiceClientProperties> groups,
				ObjectProvider<SslBundles> sslBundles, PosHttpClients posHttpClients) {
			PosHttpServiceGroupSettings settings = PosHttpServiceGroupSettings.of(api, groups.getIfAvailable(),
					sslBundles.getIfAvailable(), posHttpClients);
			PosWebClientHttpServiceGroupConfigurer configurer = new PosWebClientHttpServiceGroupConfigurer(
					api.getHttpServiceGroup().trim(), settings.baseUrl(), posTokenStates);
			configurer.setConnector(() -> posHttpClients.connector(settings.clientSettings()));
			return configurer;
		}

	}

}
