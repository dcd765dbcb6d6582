package com.chimpy.pos.auth.webclient;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosStubServer;

import org.springframework.web.reactive.function.client.WebClient;

import static com.chimpy.pos.auth.PosStubServer.API_PATH;
import static com.chimpy.pos.auth.PosStubServer.authorization;
import static com.chimpy.pos.auth.PosStubServer.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PoS API redirects to another origin (hardening item 1, the API side):
 * {@code posWebClient} follows the redirect but the bearer token stays with the API's
 * origin, so the other server's journal shows the request without {@code Authorization}.
 */
class PosWebClientRedirectTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ORDERS = API_PATH + "/orders";

	@RegisterExtension
	static final PosStubServer server = PosStubServer.perClass();

	@RegisterExtension
	static final PosStubServer other = PosStubServer.perClass();

	@Test
	void crossOriginRedirectOfTheApiCarriesNoAuthorization() {
		server.stubGrant("password", token("access-1", 3600, null));
		server.wireMock()
			.stubFor(get(urlPathEqualTo(ORDERS))
				.willReturn(aResponse().withStatus(302).withHeader("Location", other.url(ORDERS))));
		other.wireMock().stubFor(get(urlPathEqualTo(ORDERS)).willReturn(okJson("\"elsewhere\"")));
		PosStubServer.contextRunner().withPropertyValues(server.properties()).run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			String answer = client.get().uri("/orders").retrieve().bodyToMono(String.class).block(TIMEOUT);
			assertThat(answer).isEqualTo("\"elsewhere\"");
			assertThat(server.apiRequests()).singleElement()
				.satisfies((request) -> assertThat(authorization(request)).isEqualTo("Bearer access-1"));
			assertThat(other.apiRequests()).as("the redirected request").singleElement().satisfies((request) -> {
				assertThat(authorization(request)).isNull();
				assertThat(request.getAllHeaderKeys()).noneMatch("Authorization"::equalsIgnoreCase);
			});
			assertThat(server.tokenRequests()).hasSize(1);
		});
	}

}
