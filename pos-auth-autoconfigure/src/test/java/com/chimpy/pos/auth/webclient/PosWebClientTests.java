package com.chimpy.pos.auth.webclient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.chimpy.pos.auth.PosStubServer;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static com.chimpy.pos.auth.PosStubServer.API_PATH;
import static com.chimpy.pos.auth.PosStubServer.authorization;
import static com.chimpy.pos.auth.PosStubServer.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code posWebClient} end to end against a stub token endpoint and PoS API: token reuse,
 * renewal at expiry, replay after 401, and the bearer kept to the API's origin.
 */
class PosWebClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ORDERS = API_PATH + "/orders";

	@RegisterExtension
	static final PosStubServer server = PosStubServer.perClass();

	@Test
	void twentySequentialCallsUseOneTokenRequest() {
		server.stubGrant("password", token("access-1", 3600, "refresh-1"));
		stubOrders("access-1", "one");
		run((context) -> {
			WebClient client = posWebClient(context);
			for (int i = 0; i < 20; i++) {
				assertThat(getOrders(client)).isEqualTo("\"one\"");
			}
			assertThat(server.tokenRequests()).hasSize(1);
			assertThat(server.apiRequests()).hasSize(20)
				.allSatisfy((request) -> assertThat(authorization(request)).isEqualTo("Bearer access-1"));
		});
	}

	@Test
	void expiredTokenIsRenewedWithTheRefreshToken() {
		server.stubGrant("password", token("access-1", 2, "refresh-1"));
		server.stubGrant("refresh_token", token("access-2", 3600, "refresh-2"));
		assertRenewedAfterExpiry("password", "refresh_token");
		assertThat(PosStubServer.jsonBody(server.tokenRequests().get(1))).isEqualTo(Map.of("grant_type",
				"refresh_token", "client_id", PosStubServer.CLIENT_ID, "refresh_token", "refresh-1"));
	}

	@Test
	void expiredTokenWithoutRefreshTokenIsRenewedWithThePasswordGrant() {
		server.stubGrant("password", token("access-1", 2, null), token("access-2", 3600, null));
		assertRenewedAfterExpiry("password", "password");
	}

	@ParameterizedTest(name = "refresh rejected with HTTP {0}")
	@ValueSource(ints = { 403, 400 })
	void rejectedRefreshFallsBackToThePasswordGrant(int status) {
		server.stubGrant("password", token("access-1", 2, "refresh-1"), token("access-2", 3600, "refresh-2"));
		server.stubGrant("refresh_token",
				PosStubServer.oauthError(status, "invalid_grant", "Unknown or invalid refresh token."));
		assertRenewedAfterExpiry("password", "refresh_token", "password");
	}

	/**
	 * A call gets the API's answer for access-1; once that token has expired, the next
	 * call gets the answer for access-2, obtained with the given sequence of grants.
	 */
	private static void assertRenewedAfterExpiry(String... grantTypes) {
		stubOrders("access-1", "one");
		stubOrders("access-2", "two");
		run((context) -> {
			WebClient client = posWebClient(context);
			assertThat(getOrders(client)).isEqualTo("\"one\"");
			Instant expiresAt = context.getBean(PosTokenState.class).getExpiresAt();
			assertThat(expiresAt).isNotNull();
			await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(expiresAt));
			assertThat(getOrders(client)).isEqualTo("\"two\"");
			assertThat(server.grantTypes()).containsExactly((Object[]) grantTypes);
		});
	}

	@ParameterizedTest(name = "refresh token held: {0}")
	@ValueSource(booleans = { false, true })
	void unauthorizedOnceRenewsAndReplaysTheRequestOnce(boolean refreshTokenHeld) {
		server.stubGrant("password", token("access-1", 3600, refreshTokenHeld ? "refresh-1" : null),
				token("access-2", 3600, null));
		server.stubGrant("refresh_token", token("access-2", 3600, "refresh-2"));
		server.wireMock()
			.stubFor(post(urlPathEqualTo(ORDERS)).withHeader("Authorization", equalTo("Bearer access-1"))
				.willReturn(aResponse().withStatus(401).withBody("{\"message\":\"token expired\"}")));
		server.wireMock()
			.stubFor(post(urlPathEqualTo(ORDERS)).withHeader("Authorization", equalTo("Bearer access-2"))
				.willReturn(okJson("{\"id\":7}").withStatus(201)));
		run((context) -> {
			String answer = posWebClient(context).post()
				.uri("/orders")
				.contentType(MediaType.APPLICATION_JSON)
				.header("X-Request-Id", "order-42")
				.bodyValue(Map.of("item", "coffee", "quantity", 2))
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT);
			assertThat(answer).isEqualTo("{\"id\":7}");
			List<LoggedRequest> requests = server.apiRequests();
			assertThat(requests).hasSize(2);
			assertThat(requests).extracting(PosStubServer::authorization)
				.containsExactly("Bearer access-1", "Bearer access-2");
			assertThat(requests).allSatisfy((request) -> {
				assertThat(request.getMethod().getName()).isEqualTo("POST");
				assertThat(request.getUrl()).isEqualTo(ORDERS);
				assertThat(request.getHeader("Content-Type")).startsWith(MediaType.APPLICATION_JSON_VALUE);
				assertThat(request.getHeader("X-Request-Id")).isEqualTo("order-42");
				assertThat(PosStubServer.jsonBody(request)).isEqualTo(Map.of("item", "coffee", "quantity", 2));
			});
			assertThat(server.grantTypes()).containsExactly("password",
					refreshTokenHeld ? "refresh_token" : "password");
		});
	}

	@Test
	void unauthorizedAgainGoesToTheCallerAfterExactlyTwoAttempts() {
		server.stubGrant("password", token("access-1", 3600, null), token("access-2", 3600, null),
				token("access-3", 3600, null));
		server.wireMock().stubFor(any(urlPathMatching(API_PATH + "/.*")).willReturn(aResponse().withStatus(401)));
		run((context) -> {
			assertThatExceptionOfType(WebClientResponseException.class)
				.isThrownBy(() -> getOrders(posWebClient(context)))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED));
			assertThat(server.apiRequests()).extracting(PosStubServer::authorization)
				.containsExactly("Bearer access-1", "Bearer access-2");
			assertThat(server.tokenRequests()).hasSize(2);
		});
	}

	@Test
	void forbiddenIsNotRetried() {
		server.stubGrant("password", token("access-1", 3600, null), token("access-2", 3600, null));
		server.wireMock().stubFor(any(urlPathMatching(API_PATH + "/.*")).willReturn(aResponse().withStatus(403)));
		run((context) -> {
			assertThatExceptionOfType(WebClientResponseException.class)
				.isThrownBy(() -> getOrders(posWebClient(context)))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN));
			assertThat(server.apiRequests()).hasSize(1);
			assertThat(server.tokenRequests()).hasSize(1);
		});
	}

	@Test
	void otherOriginGetsNoAuthorizationHeader() {
		server.stubGrant("password", token("access-1", 3600, null));
		stubOrders("access-1", "one");
		try (PosStubServer other = PosStubServer.start()) {
			other.wireMock().stubFor(get(urlPathEqualTo(ORDERS)).willReturn(okJson("\"elsewhere\"")));
			run((context) -> {
				WebClient client = posWebClient(context);
				String elsewhere = client.get()
					.uri(other.url(ORDERS))
					.retrieve()
					.bodyToMono(String.class)
					.block(TIMEOUT);
				assertThat(elsewhere).isEqualTo("\"elsewhere\"");
				assertThat(other.apiRequests()).singleElement()
					.satisfies((request) -> assertThat(authorization(request)).isNull());
				assertThat(server.tokenRequests()).isEmpty();
				// The same client still authenticates calls to its own origin, also with
				// an absolute URL.
				assertThat(client.get().uri(server.url(ORDERS)).retrieve().bodyToMono(String.class).block(TIMEOUT))
					.isEqualTo("\"one\"");
				assertThat(server.apiRequests()).singleElement()
					.satisfies((request) -> assertThat(authorization(request)).isEqualTo("Bearer access-1"));
			});
		}
	}

	@Test
	void rejectedCredentialsFailTheCallWithTheServersError() {
		server.stubGrant("password", PosStubServer.oauthError(403, "invalid_grant", "Wrong email or password."));
		run((context) -> {
			assertThatExceptionOfType(ClientAuthorizationException.class)
				.isThrownBy(() -> getOrders(posWebClient(context)))
				.satisfies((ex) -> {
					assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant");
					assertThat(ex.getError().getDescription()).isEqualTo("Wrong email or password.");
				});
			assertThat(server.apiRequests()).isEmpty();
			assertThat(server.tokenRequests()).hasSize(1);
		});
	}

	private static void run(Consumer<AssertableApplicationContext> test) {
		PosStubServer.contextRunner().withPropertyValues(server.properties()).run((context) -> {
			assertThat(context).hasNotFailed();
			test.accept(context);
		});
	}

	private static WebClient posWebClient(AssertableApplicationContext context) {
		return context.getBean("posWebClient", WebClient.class);
	}

	private static String getOrders(WebClient client) {
		return client.get().uri("/orders").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	private static void stubOrders(String accessToken, String answer) {
		server.wireMock()
			.stubFor(get(urlPathEqualTo(ORDERS)).withHeader("Authorization", equalTo("Bearer " + accessToken))
				.willReturn(okJson("\"" + answer + "\"")));
	}

}
