package com.chimpy.pos.auth.autoconfigure;

import java.net.URI;

import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.webclient.PosBearerExchangeFilterFunction;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of {@code posWebClient}: a {@link WebClient} for the PoS API, built
 * from Boot's {@link WebClient.Builder} (so the application's
 * {@code WebClientCustomizer}s and observations apply), with the API's base URL, timeouts
 * and SSL bundle, and the {@link PosBearerExchangeFilterFunction}.
 * <p>
 * {@code posWebClient} is not a default injection candidate: it is injected with
 * {@code @Qualifier("posWebClient")}, and an application's own {@code WebClient} keeps
 * being the one injected by type. Its codecs never log request details
 * ({@code spring.http.codecs.log-request-details} applies to the application's other
 * clients): with them, Spring's exchange logging at TRACE would print the request
 * headers, the bearer token among them.
 */
@AutoConfiguration(after = { PosAuthAutoConfiguration.class, WebClientAutoConfiguration.class })
@ConditionalOnClass(WebClient.class)
@ConditionalOnBean(PosTokenStates.class)
public final class PosWebClientAutoConfiguration {

	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "posWebClient")
	WebClient posWebClient(PosTokenStates posTokenStates, PosApiProperties api,
			ObjectProvider<WebClient.Builder> webClientBuilder, ObjectProvider<PosWebClientCustomizer> customizers,
			PosHttpClients posHttpClients) {
		String baseUrl = PosPropertiesValidator.validated("pos.api.base-url", api.getBaseUrl()).trim();
		WebClient.Builder builder = webClientBuilder.getIfAvailable(WebClient::builder)
			.baseUrl(baseUrl)
			.clientConnector(posHttpClients.connector("pos.api.ssl-bundle", api.getSslBundle(), api.getConnectTimeout(),
					api.getReadTimeout()));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		// After every customizer: request details would print the Authorization header at
		// TRACE
		builder.codecs((codecs) -> codecs.defaultCodecs().enableLoggingRequestDetails(false));
		return builder.filter(new PosBearerExchangeFilterFunction(posTokenStates, URI.create(baseUrl))).build();
	}

}
