package com.chimpy.pos.auth.httpservice;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.chimpy.pos.auth.PosStubServer;
import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosHttpServiceClientAutoConfiguration;

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

import static com.chimpy.pos.auth.PosStubServer.API_PATH;
import static com.chimpy.pos.auth.PosStubServer.authorization;
import static com.chimpy.pos.auth.PosStubServer.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PoS API redirects a call of the group {@code pos} to another origin: the group's
 * client follows the redirect (Spring Boot's default), and the bearer token stays with
 * the API's origin, for a {@code RestClient} and a {@code WebClient} group alike. Counted
 * from both servers' journals.
 */
class PosHttpServiceRedirectTests {

	@RegisterExtension
	static final PosStubServer server = PosStubServer.perClass();

	@RegisterExtension
	static final PosStubServer other = PosStubServer.perClass();

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void crossOriginRedirectCarriesNoAuthorization(ClientType clientType) {
		server.stubGrant("password", token("access-1", 3600, null));
		server.wireMock()
			.stubFor(get(urlPathEqualTo(API_PATH + "/stores"))
				.willReturn(aResponse().withStatus(302).withHeader("Location", other.url(API_PATH + "/stores"))));
		other.wireMock().stubFor(get(urlPathEqualTo(API_PATH + "/stores")).willReturn(okJson("\"elsewhere\"")));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					RestClientAutoConfiguration.class, WebClientAutoConfiguration.class,
					HttpServiceClientPropertiesAutoConfiguration.class, HttpServiceClientAutoConfiguration.class,
					ReactiveHttpServiceClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosHttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(
					(clientType == ClientType.WEB_CLIENT) ? WebClientPosServices.class : RestClientPosServices.class)
			.withPropertyValues(server.properties())
			.run((context) -> {
				assertThat(context.getBean(StoresApi.class).stores()).isEqualTo("\"elsewhere\"");
				assertThat(server.apiRequests()).singleElement()
					.satisfies((request) -> assertThat(authorization(request)).isEqualTo("Bearer access-1"));
				assertThat(other.apiRequests()).as("the redirected request").singleElement().satisfies((request) -> {
					assertThat(authorization(request)).isNull();
					assertThat(request.getAllHeaderKeys()).noneMatch("Authorization"::equalsIgnoreCase);
				});
				assertThat(server.tokenRequests()).hasSize(1);
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
