package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosStubServer;
import com.chimpy.pos.auth.token.PasswordGrantRequest;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.client.WebClient;

import static com.chimpy.pos.auth.PosStubServer.API_PATH;
import static com.chimpy.pos.auth.PosStubServer.PASSWORD;
import static com.chimpy.pos.auth.PosStubServer.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Passwords, client secrets, access and refresh tokens appear in no log line (even with
 * debug logging of pos-auth, Spring and Reactor Netty), no exception message and no
 * {@code toString()}.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosSecretsNotRevealedTests {

	private static final String SECRET = "client-s3cret-value";

	private static final List<String> VERBOSE = List.of("com.chimpy", "org.springframework", "reactor.netty");

	private static final List<String> SECRETS = List.of(PASSWORD, SECRET, "access-aaa", "access-bbb", "refresh-aaa",
			"refresh-bbb");

	@RegisterExtension
	static final PosStubServer server = PosStubServer.perClass();

	private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

	@AfterEach
	void quiet() {
		VERBOSE.forEach((name) -> this.logging.setLogLevel(name, null));
	}

	@Test
	void fullLifecycleWithDebugLoggingRevealsNothing(CapturedOutput output) {
		VERBOSE.forEach((name) -> this.logging.setLogLevel(name, LogLevel.DEBUG));
		server.stubGrant("password", token("access-aaa", 3600, "refresh-aaa"),
				PosStubServer.oauthError(403, "invalid_grant", "Wrong email or password."));
		server.stubGrant("refresh_token", token("access-bbb", 3600, "refresh-bbb"));
		server.wireMock()
			.stubFor(any(urlPathMatching(API_PATH + "/.*")).withHeader("Authorization", equalTo("Bearer access-aaa"))
				.willReturn(aResponse().withStatus(401)));
		server.wireMock()
			.stubFor(any(urlPathMatching(API_PATH + "/.*")).withHeader("Authorization", equalTo("Bearer access-bbb"))
				.willReturn(okJson("{\"ok\":true}")));
		PosStubServer.contextRunner()
			.withPropertyValues(server.properties("pos.auth.client-secret=" + SECRET, "pos.auth.scope=offline_access"))
			.run((context) -> {
				WebClient client = context.getBean("posWebClient", WebClient.class);
				String answer = client.post()
					.uri("/orders")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("item", "tea"))
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10));
				assertThat(answer).isEqualTo("{\"ok\":true}");
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThat(state.toString()).doesNotContain(SECRETS);
				assertThat(context.getBean(PosAuthProperties.class).toString()).doesNotContain(SECRETS)
					.contains(PosStubServer.USERNAME);
			});
		assertThat(server.grantTypes()).containsExactly("password", "refresh_token");
		assertThat(output).doesNotContain(SECRETS);
	}

	@Test
	void tokenFailureMessagesRevealNothing(CapturedOutput output) {
		VERBOSE.forEach((name) -> this.logging.setLogLevel(name, LogLevel.DEBUG));
		server.stubTokenEndpoint(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/plain")
			.withBody("access_token=access-aaa&refresh_token=refresh-aaa"));
		PosStubServer.contextRunner()
			.withPropertyValues(server.properties("pos.auth.retry-backoff=10s", "pos.auth.max-wait=2s",
					"pos.auth.client-secret=" + SECRET))
			.run((context) -> {
				OAuth2AuthorizedClientManager manager = context.getBean("posAuthorizedClientManager",
						OAuth2AuthorizedClientManager.class);
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> manager
						.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("pos").principal("anyone").build()))
					.satisfies((ex) -> {
						for (Throwable t = ex; t != null; t = t.getCause()) {
							assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRETS);
						}
						assertThat(ex.getError().toString()).doesNotContain(SECRETS);
					});
			});
		assertThat(output).doesNotContain(SECRETS);
	}

	@Test
	void passwordGrantRequestHidesThePassword() {
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId("pos-client")
			.clientSecret(SECRET)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(server.tokenUri())
			.build();
		assertThat(new PasswordGrantRequest(registration, "someone", PASSWORD).toString()).doesNotContain(SECRETS)
			.contains("someone");
	}

}
