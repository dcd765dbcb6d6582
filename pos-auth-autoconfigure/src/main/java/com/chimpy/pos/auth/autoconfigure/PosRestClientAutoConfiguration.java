package com.chimpy.pos.auth.autoconfigure;

import java.net.URI;

import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.restclient.PosBearerClientHttpRequestInterceptor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of {@code posRestClient}: a {@link RestClient} for the PoS API, for
 * blocking (servlet) applications that do not want Reactor in their code. Built from
 * Boot's {@link RestClient.Builder} (so the application's customizers and observations
 * apply) with the API's base URL, timeouts and SSL bundle and the
 * {@link PosBearerClientHttpRequestInterceptor}, over the same token state as
 * {@code posWebClient}. Active when Boot's RestClient support
 * ({@code spring-boot-restclient}, in {@code spring-boot-starter-restclient}) is present.
 * <p>
 * {@code posRestClient} is not a default injection candidate: it is injected with
 * {@code @Qualifier("posRestClient")}, and an application's own {@code RestClient} keeps
 * being the one injected by type.
 */
@AutoConfiguration(after = PosAuthAutoConfiguration.class,
		afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnBean(PosTokenStates.class)
public final class PosRestClientAutoConfiguration {

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "posRestClient")
	RestClient posRestClient(PosTokenStates posTokenStates, PosAuthProperties auth, PosApiProperties api,
			ObjectProvider<RestClient.Builder> restClientBuilder, PosHttpClients posHttpClients) {
		String baseUrl = PosPropertiesValidator.validated("pos.api.base-url", api.getBaseUrl()).trim();
		return restClientBuilder.getIfAvailable(RestClient::builder)
			.baseUrl(baseUrl)
			.requestFactory(posHttpClients.requestFactory("pos.api.ssl-bundle", api.getSslBundle(),
					api.getConnectTimeout(), api.getReadTimeout()))
			.requestInterceptor(new PosBearerClientHttpRequestInterceptor(posTokenStates, URI.create(baseUrl),
					auth.toRenewalSettings().maxBlock()))
			.build();
	}

}
