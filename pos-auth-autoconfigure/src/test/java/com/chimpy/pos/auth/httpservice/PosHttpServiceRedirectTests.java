package com.chimpy.pos.auth.httpservice;

import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosHttpServiceClientAutoConfiguration;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.service.registry.HttpServiceGroup.ClientType;
import org.springframework.web.service.registry.ImportHttpServices;

import static com.chimpy.pos.auth.PosSandboxFixture.apiAuthorizations;
import static com.chimpy.pos.auth.PosSandboxFixture.bearers;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PoS API redirects a call of the group {@code pos} to another origin: the group's
 * client follows the redirect (Spring Boot's default), and the bearer token stays with
 * the API's origin, for a {@code RestClient} and a {@code WebClient} group alike. Counted
 * from both sandboxes' journals.
 */
class PosHttpServiceRedirectTests {

	@RegisterExtension
	static final PosSandboxExtension sandbox = PosSandboxFixture.sandbox();

	@RegisterExtension
	static final PosSandboxExtension other = new PosSandboxExtension(PosSandbox.builder());

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void crossOriginRedirectCarriesNoAuthorization(ClientType clientType) {
		PosSandbox api = sandbox.sandbox();
		PosSandbox elsewhere = other.sandbox();
		api.api().failNext(1, Fault.answer(302, Map.of("Location", elsewhere.apiBaseUrl() + "/stores"), ""));
		elsewhere.api().failAlways(Fault.json(200, "\"elsewhere\""));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					RestClientAutoConfiguration.class, WebClientAutoConfiguration.class,
					HttpServiceClientPropertiesAutoConfiguration.class, HttpServiceClientAutoConfiguration.class,
					ReactiveHttpServiceClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosHttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(
					(clientType == ClientType.WEB_CLIENT) ? WebClientPosServices.class : RestClientPosServices.class)
			.withPropertyValues(PosSandboxFixture.properties(api))
			.run((context) -> {
				assertThat(context.getBean(StoresApi.class).stores()).isEqualTo("\"elsewhere\"");
				assertThat(apiAuthorizations(api)).containsExactlyElementsOf(bearers(issuedAccessTokens(api)))
					.hasSize(1);
				assertThat(elsewhere.apiRequestEvents()).as("the redirected request")
					.singleElement()
					.satisfies((event) -> {
						assertThat(event.getRequest().getUrl()).isEqualTo("/api/v2/stores");
						assertThat(event.getRequest().getAllHeaderKeys()).noneMatch("Authorization"::equalsIgnoreCase);
					});
				assertThat(api.tokenRequests()).isEqualTo(1);
				assertThat(elsewhere.tokenRequests()).isZero();
			});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "pos", types = StoresApi.class, clientType = ClientType.REST_CLIENT)
	static class RestClientPosServices {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "pos", types = StoresApi.class, clientType = ClientType.WEB_CLIENT)
	static class WebClientPosServices {

	}

}
