package com.chimpy.pos.auth.webclient;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.web.reactive.function.client.WebClient;

import static com.chimpy.pos.auth.PosSandboxFixture.apiAuthorizations;
import static com.chimpy.pos.auth.PosSandboxFixture.bearers;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PoS API redirects to another origin (hardening item 1, the API side):
 * {@code posWebClient} follows the redirect but the bearer token stays with the API's
 * origin, so the other sandbox's journal shows the request without {@code Authorization}.
 */
class PosWebClientRedirectTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension sandbox = PosSandboxFixture.sandbox();

	@RegisterExtension
	static final PosSandboxExtension other = new PosSandboxExtension(PosSandbox.builder());

	@Test
	void crossOriginRedirectOfTheApiCarriesNoAuthorization() {
		PosSandbox api = sandbox.sandbox();
		PosSandbox elsewhere = other.sandbox();
		api.api().failNext(1, Fault.answer(302, Map.of("Location", elsewhere.apiBaseUrl() + "/stores"), ""));
		elsewhere.api().failAlways(Fault.json(200, "\"elsewhere\""));
		PosSandboxFixture.contextRunner().withPropertyValues(PosSandboxFixture.properties(api)).run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			String answer = client.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
			assertThat(answer).isEqualTo("\"elsewhere\"");
			assertThat(apiAuthorizations(api)).containsExactlyElementsOf(bearers(issuedAccessTokens(api))).hasSize(1);
			assertThat(elsewhere.apiRequestEvents()).as("the redirected request").singleElement().satisfies((event) -> {
				assertThat(event.getRequest().getUrl()).isEqualTo("/api/v2/stores");
				assertThat(event.getRequest().getAllHeaderKeys()).noneMatch("Authorization"::equalsIgnoreCase);
			});
			assertThat(api.tokenRequests()).isEqualTo(1);
			assertThat(elsewhere.tokenRequests()).isZero();
		});
	}

}
