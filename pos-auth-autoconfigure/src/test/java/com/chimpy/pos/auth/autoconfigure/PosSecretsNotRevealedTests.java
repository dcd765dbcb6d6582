package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
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

import static com.chimpy.pos.auth.PosSandboxFixture.PASSWORD;
import static com.chimpy.pos.auth.PosSandboxFixture.USERNAME;
import static com.chimpy.pos.auth.PosSandboxFixture.grantTypes;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedRefreshTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Passwords, client secrets, access and refresh tokens appear in no log line (even with
 * debug logging of pos-auth, Spring and Reactor Netty), no exception message and no
 * {@code toString()}. The tokens are those the sandbox issued (read from its journal) and
 * those of scripted answers.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosSecretsNotRevealedTests {

	private static final String SECRET = "client-s3cret-value";

	private static final List<String> VERBOSE = List.of("com.chimpy", "org.springframework", "reactor.netty");

	/** The configured secrets and the tokens of the scripted text answer. */
	private static final List<String> SECRETS = List.of(PASSWORD, SECRET, "access-aaa", "refresh-aaa");

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(
			PosSandbox.builder().user(USERNAME, PASSWORD).clientSecret(SECRET));

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	/** The fixed secrets and every token the sandbox issued so far. */
	private static String[] secrets() {
		List<String> secrets = new ArrayList<>(SECRETS);
		secrets.addAll(issuedAccessTokens(sandbox()));
		secrets.addAll(issuedRefreshTokens(sandbox()));
		return secrets.toArray(String[]::new);
	}

	private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

	@AfterEach
	void quiet() {
		VERBOSE.forEach((name) -> this.logging.setLogLevel(name, null));
	}

	@Test
	void fullLifecycleWithDebugLoggingRevealsNothing(CapturedOutput output) {
		VERBOSE.forEach((name) -> this.logging.setLogLevel(name, LogLevel.DEBUG));
		// the first token is rejected by the API once, so it is renewed with the refresh
		// token and the order replayed
		sandbox().api().failNext(1, Fault.status(401));
		PosSandboxFixture.contextRunner()
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.scope=offline_access"))
			.run((context) -> {
				WebClient client = context.getBean("posWebClient", WebClient.class);
				String answer = client.post()
					.uri("/orders")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("item", "tea"))
					.retrieve()
					.bodyToMono(String.class)
					.block(Duration.ofSeconds(10));
				assertThat(answer).contains("\"item\":\"tea\"");
				assertThat(issuedAccessTokens(sandbox())).hasSize(2);
				assertThat(issuedRefreshTokens(sandbox())).hasSize(2);
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThat(state.toString()).doesNotContain(secrets());
				assertThat(context.getBean(PosAuthProperties.class).toString()).doesNotContain(secrets())
					.contains(USERNAME);
			});
		assertThat(grantTypes(sandbox())).containsExactly("password", "refresh_token");
		assertThat(sandbox().apiRequests(201)).as("the replayed order").isEqualTo(1);
		assertThat(output).doesNotContain(secrets());
	}

	@Test
	void tokenFailureMessagesRevealNothing(CapturedOutput output) {
		VERBOSE.forEach((name) -> this.logging.setLogLevel(name, LogLevel.DEBUG));
		sandbox().tokenEndpoint()
			.failAlways(Fault.answer(200, Map.of("Content-Type", "text/plain"),
					"access_token=access-aaa&refresh_token=refresh-aaa"));
		PosSandboxFixture.contextRunner()
			.withPropertyValues(
					PosSandboxFixture.properties(sandbox(), "pos.auth.retry-backoff=10s", "pos.auth.max-wait=2s"))
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
		assertThat(sandbox().tokenRequests()).as("the text answer was received").isPositive();
		assertThat(output).doesNotContain(SECRETS);
	}

	@Test
	void passwordGrantRequestHidesThePassword() {
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId("pos-client")
			.clientSecret(SECRET)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(sandbox().tokenUri())
			.build();
		assertThat(new PasswordGrantRequest(registration, "someone", PASSWORD).toString()).doesNotContain(SECRETS)
			.contains("someone");
	}

}
