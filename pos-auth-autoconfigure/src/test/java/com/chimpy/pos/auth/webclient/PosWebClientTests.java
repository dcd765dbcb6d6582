package com.chimpy.pos.auth.webclient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static com.chimpy.pos.auth.PosSandboxFixture.apiAuthorizations;
import static com.chimpy.pos.auth.PosSandboxFixture.bearers;
import static com.chimpy.pos.auth.PosSandboxFixture.grantTypes;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code posWebClient} end to end against the PoS sandbox: token reuse, renewal at
 * expiry, replay after 401, and the bearer kept to the API's origin. Which token each API
 * request carried is read from the sandbox's journal and compared with the tokens it
 * issued.
 */
class PosWebClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * A scope without {@code offline_access}: the sandbox then issues no refresh token.
	 */
	private static final String WITHOUT_REFRESH_TOKENS = "pos.auth.scope=orders";

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	@BeforeEach
	void longLivedTokensNoBlockedUser() {
		sandbox().setTokenLifetime(Duration.ofHours(1));
		sandbox().unblockUsers();
	}

	@Test
	void twentySequentialCallsUseOneTokenRequest() {
		run((context) -> {
			WebClient client = posWebClient(context);
			for (int i = 0; i < 20; i++) {
				assertThat(getStores(client)).contains("simulated");
			}
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
			assertThat(apiAuthorizations(sandbox())).hasSize(20)
				.containsOnly(bearers(issuedAccessTokens(sandbox())).get(0));
		});
	}

	@Test
	void expiredTokenIsRenewedWithTheRefreshToken() {
		sandbox().setTokenLifetime(Duration.ofSeconds(2));
		assertRenewedAfterExpiry(List.of(), () -> {
		}, "password", "refresh_token");
		Map<String, String> refresh = sandbox().tokenRequestBodies().get(1);
		assertThat(refresh).containsEntry("grant_type", "refresh_token")
			.containsEntry("client_id", PosSandbox.DEFAULT_CLIENT_ID)
			.containsEntry("refresh_token", sandbox().refreshTokensSent().get(0))
			.doesNotContainKeys("username", "password");
	}

	@Test
	void expiredTokenWithoutRefreshTokenIsRenewedWithThePasswordGrant() {
		sandbox().setTokenLifetime(Duration.ofSeconds(2));
		assertRenewedAfterExpiry(List.of(WITHOUT_REFRESH_TOKENS), () -> {
		}, "password", "password");
	}

	@ParameterizedTest(name = "refresh rejected with HTTP {0}")
	@ValueSource(ints = { 403, 400 })
	void rejectedRefreshFallsBackToThePasswordGrant(int status) {
		sandbox().setTokenLifetime(Duration.ofSeconds(2));
		assertRenewedAfterExpiry(List.of(),
				() -> sandbox().tokenEndpoint()
					.failNext(1, Fault.oauthError(status, "invalid_grant", "Unknown or invalid refresh token.")),
				"password", "refresh_token", "password");
	}

	/**
	 * A call goes out with the first token; once that token has expired, the next call
	 * goes out, once, with a second token, obtained with the given sequence of grants.
	 */
	private static void assertRenewedAfterExpiry(List<String> properties, Runnable beforeRenewal,
			String... grantTypes) {
		run((context) -> {
			WebClient client = posWebClient(context);
			assertThat(getStores(client)).contains("simulated");
			Instant expiresAt = context.getBean(PosTokenState.class).getExpiresAt();
			assertThat(expiresAt).isNotNull();
			beforeRenewal.run();
			await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(expiresAt));
			assertThat(getStores(client)).contains("simulated");
			assertThat(grantTypes(sandbox())).containsExactly(grantTypes);
			List<String> issued = bearers(issuedAccessTokens(sandbox()));
			assertThat(issued).hasSize(2).doesNotHaveDuplicates();
			assertThat(apiAuthorizations(sandbox())).as("one call with each token, no rejected call")
				.containsExactly(issued.get(0), issued.get(1));
		}, properties.toArray(String[]::new));
	}

	@ParameterizedTest(name = "refresh token held: {0}")
	@ValueSource(booleans = { false, true })
	void unauthorizedOnceRenewsAndReplaysTheRequestOnce(boolean refreshTokenHeld) {
		sandbox().api().failNext(1, Fault.status(401));
		run((context) -> {
			Map<String, Object> answer = posWebClient(context).post()
				.uri("/orders")
				.contentType(MediaType.APPLICATION_JSON)
				.header("X-Request-Id", "order-42")
				.bodyValue(Map.of("item", "coffee", "quantity", 2))
				.retrieve()
				.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
				})
				.block(TIMEOUT);
			assertThat(answer).containsEntry("item", "coffee").containsEntry("quantity", 2).containsKey("id");
			List<ServeEvent> requests = sandbox().apiRequestEvents();
			assertThat(requests).hasSize(2);
			List<String> issued = bearers(issuedAccessTokens(sandbox()));
			assertThat(issued).hasSize(2).doesNotHaveDuplicates();
			assertThat(apiAuthorizations(sandbox())).containsExactlyElementsOf(issued);
			assertThat(requests).allSatisfy((event) -> {
				assertThat(event.getRequest().getMethod().getName()).isEqualTo("POST");
				assertThat(event.getRequest().getUrl()).isEqualTo("/api/v2/orders");
				assertThat(event.getRequest().getHeader("Content-Type")).startsWith(MediaType.APPLICATION_JSON_VALUE);
				assertThat(event.getRequest().getHeader("X-Request-Id")).isEqualTo("order-42");
				assertThat(PosSandboxFixture.jsonBody(event.getRequest()))
					.isEqualTo(Map.of("item", "coffee", "quantity", 2));
			});
			assertThat(sandbox().apiRequests(201)).as("the replay was accepted").isEqualTo(1);
			assertThat(grantTypes(sandbox())).containsExactly("password",
					refreshTokenHeld ? "refresh_token" : "password");
		}, refreshTokenHeld ? new String[0] : new String[] { WITHOUT_REFRESH_TOKENS });
	}

	@Test
	void unauthorizedAgainGoesToTheCallerAfterExactlyTwoAttempts() {
		sandbox().api().failAlways(Fault.status(401));
		run((context) -> {
			assertThatExceptionOfType(WebClientResponseException.class)
				.isThrownBy(() -> getStores(posWebClient(context)))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED));
			List<String> issued = bearers(issuedAccessTokens(sandbox()));
			assertThat(issued).hasSize(2).doesNotHaveDuplicates();
			assertThat(apiAuthorizations(sandbox())).containsExactlyElementsOf(issued);
			assertThat(sandbox().tokenRequests()).isEqualTo(2);
		}, WITHOUT_REFRESH_TOKENS);
	}

	@Test
	void forbiddenIsNotRetried() {
		sandbox().api().failAlways(Fault.status(403));
		run((context) -> {
			assertThatExceptionOfType(WebClientResponseException.class)
				.isThrownBy(() -> getStores(posWebClient(context)))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN));
			assertThat(sandbox().apiRequests()).isEqualTo(1);
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void otherOriginGetsNoAuthorizationHeader() {
		try (PosSandbox other = PosSandbox.builder().build().start()) {
			other.api().failAlways(Fault.json(200, "\"elsewhere\""));
			run((context) -> {
				WebClient client = posWebClient(context);
				String elsewhere = client.get()
					.uri(other.apiBaseUrl() + "/stores")
					.retrieve()
					.bodyToMono(String.class)
					.block(TIMEOUT);
				assertThat(elsewhere).isEqualTo("\"elsewhere\"");
				assertThat(apiAuthorizations(other)).containsExactly((String) null);
				assertThat(other.tokenRequests()).isZero();
				assertThat(sandbox().tokenRequests()).isZero();
				// The same client still authenticates calls to its own origin, also with
				// an absolute URL.
				assertThat(client.get()
					.uri(sandbox().apiBaseUrl() + "/stores")
					.retrieve()
					.bodyToMono(String.class)
					.block(TIMEOUT)).contains("simulated");
				assertThat(apiAuthorizations(sandbox()))
					.containsExactlyElementsOf(bearers(issuedAccessTokens(sandbox())));
				assertThat(sandbox().tokenRequests()).isEqualTo(1);
			});
		}
	}

	@Test
	void rejectedCredentialsFailTheCallWithTheServersError() {
		run((context) -> {
			assertThatExceptionOfType(ClientAuthorizationException.class)
				.isThrownBy(() -> getStores(posWebClient(context)))
				.satisfies((ex) -> {
					assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant");
					assertThat(ex.getError().getDescription()).isEqualTo("Wrong email or password.");
				});
			assertThat(sandbox().apiRequests()).isZero();
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
		}, "pos.auth.password=not-the-password");
	}

	private static void run(Consumer<AssertableApplicationContext> test, String... properties) {
		PosSandboxFixture.contextRunner()
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), properties))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	private static WebClient posWebClient(AssertableApplicationContext context) {
		return context.getBean("posWebClient", WebClient.class);
	}

	private static String getStores(WebClient client) {
		return client.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

}
