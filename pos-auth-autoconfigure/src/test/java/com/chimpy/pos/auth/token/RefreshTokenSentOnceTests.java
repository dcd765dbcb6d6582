package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refresh token is never sent twice once it may have reached the server (hardening item
 * 3; Auth0 revokes the whole family on reuse). A refresh request that timed out (read
 * timeout or request timeout shorter than the stub's delay), whose connection was reset
 * after sending, that got an empty response, a 5xx or an answer that is neither a token
 * response nor an OAuth2 error: its refresh token is dropped and the next attempt is a
 * password grant. Only a request that provably never left (connection refused) may reuse
 * it.
 * <p>
 * Each run calls every 20 ms, with 1 s tokens (renewal from 0.5 s) that come with
 * rotating refresh tokens ({@code rt-1}, {@code rt-2}, ...) from password grants while
 * every refresh request fails, until the journal shows two failed refreshes each followed
 * by a password grant (bounded: 10 s). The token server's journal must show each refresh
 * token value in at most one request. The state is the auto-configured one, so the token
 * connector is the application's (Reactor Netty's own resend of a broken request is part
 * of what is checked).
 */
class RefreshTokenSentOnceTests {

	private static final String LATE_TOKEN = "{\"access_token\":\"at-late\",\"token_type\":\"Bearer\","
			+ "\"expires_in\":60,\"refresh_token\":\"rt-late\"}";

	/**
	 * How long the slow stub takes to answer; WireMock journals such a request only when
	 * the answer goes out.
	 */
	private static final int DELAY_MILLIS = 800;

	enum RefreshFault {

		READ_TIMEOUT(json(LATE_TOKEN).withFixedDelay(DELAY_MILLIS), "pos.auth.read-timeout=300ms"),

		REQUEST_TIMEOUT(json(LATE_TOKEN).withFixedDelay(DELAY_MILLIS), "pos.auth.request-timeout=300ms"),

		CONNECTION_RESET(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),

		EMPTY_RESPONSE(aResponse().withFault(Fault.EMPTY_RESPONSE)),

		HTTP_500(aResponse().withStatus(500).withBody("Internal Server Error")),

		HTTP_503(aResponse().withStatus(503)),

		HTML_403(aResponse().withStatus(403).withHeader("Content-Type", "text/html").withBody("<html>Blocked</html>")),

		MALFORMED_200(json("{\"access_token\":\"at-x\",\"token_type\":"));

		private final ResponseDefinitionBuilder answer;

		private final String[] properties;

		RefreshFault(ResponseDefinitionBuilder answer, String... properties) {
			this.answer = answer;
			this.properties = properties;
		}

		boolean slow() {
			return this == READ_TIMEOUT || this == REQUEST_TIMEOUT;
		}

		private static ResponseDefinitionBuilder json(String body) {
			return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
		}

	}

	/**
	 * Loads and initializes the HTTP client, server and context code once, so that the
	 * first row's password grant does not run into its tight read timeout while the JVM
	 * is cold.
	 */
	@BeforeAll
	static void warmUp() {
		try (TokenServer tokens = new TokenServer()) {
			tokens.issuing(60, 0, true);
			runner(tokens, "pos.auth.max-wait=20s", "pos.auth.request-timeout=20s").run(
					(context) -> context.getBean(PosTokenState.class).authorizedClient().block(Duration.ofSeconds(20)));
		}
	}

	private static ApplicationContextRunner runner(TokenServer tokens, String... more) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PosAuthAutoConfiguration.class))
			.withPropertyValues("pos.auth.token-uri=" + tokens.uri(),
					"pos.auth.client-id=" + LifecycleFixture.CLIENT_ID,
					"pos.auth.username=" + LifecycleFixture.USERNAME, "pos.auth.password=" + LifecycleFixture.PASSWORD,
					"pos.auth.audience=" + LifecycleFixture.AUDIENCE, "pos.auth.scope=offline_access",
					"pos.api.base-url=http://127.0.0.1:9/api/v2", "pos.auth.max-wait=1s", "pos.auth.request-timeout=3s",
					"pos.auth.read-timeout=3s", "pos.auth.connect-timeout=1s", "pos.auth.retry-backoff=100ms",
					"pos.auth.max-retry-backoff=200ms", "pos.auth.rejection-backoff=100ms")
			.withPropertyValues(more);
	}

	private static MappingBuilder grant(String grantType) {
		return post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH))
			.withRequestBody(matchingJsonPath("$.grant_type", equalTo(grantType)));
	}

	@ParameterizedTest
	@EnumSource(RefreshFault.class)
	void failedRefreshTokenIsNeverSentAgain(RefreshFault fault) {
		try (TokenServer tokens = new TokenServer()) {
			tokens.replaceStubs(grant("password").willReturn(TokenServer.issue(1, 0, true)),
					grant("refresh_token").willReturn(fault.answer));
			runner(tokens, fault.properties).run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				boolean seen = callUntil(state, () -> twoRefreshesAndAPasswordGrantAfterTheLast(tokens.journal()));
				List<LoggedRequest> requests = tokens.requests();
				List<String> sent = requests.stream().map(RefreshTokenSentOnceTests::describe).toList();
				Map<String, Integer> refreshTokens = new LinkedHashMap<>();
				requests.stream()
					.filter((request) -> "refresh_token".equals(LifecycleFixture.grantType(request)))
					.forEach((request) -> refreshTokens.merge(refreshToken(request), 1, Integer::sum));
				assertThat(seen).as("two failed refreshes and a password grant after them (token requests: %s)", sent)
					.isTrue();
				assertThat(refreshTokens.values().stream().mapToInt(Integer::intValue).sum())
					.as("refresh requests that failed in this run (token requests: %s)", sent)
					.isGreaterThanOrEqualTo(2);
				assertThat(refreshTokens).as("requests per refresh token (token requests: %s)", sent)
					.allSatisfy((refreshToken, count) -> assertThat(count).as(refreshToken).isEqualTo(1));
				if (!fault.slow()) {
					for (int i = 0; i < requests.size() - 1; i++) {
						if ("refresh_token".equals(LifecycleFixture.grantType(requests.get(i)))) {
							assertThat(LifecycleFixture.grantType(requests.get(i + 1)))
								.as("the attempt after a failed refresh (token requests: %s)", sent)
								.isEqualTo("password");
						}
					}
				}
			});
		}
	}

	/**
	 * Connection refused: the refresh request never left, so its refresh token may still
	 * be used once the endpoint listens again (or the password grant may be used
	 * instead); either way it goes out at most once.
	 */
	@Test
	void refreshTokenOfARefusedConnectionGoesOutAtMostOnce() throws Exception {
		try (TokenServer tokens = new TokenServer()) {
			tokens.issuing(2, 0, true);
			runner(tokens).run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				String first = state.authorizedClient().block(Duration.ofSeconds(5)).getAccessToken().getTokenValue();
				assertThat(first).isEqualTo("at-1");
				Instant expiresAt = state.getExpiresAt();
				tokens.refuseConnections();
				// the refresh-ahead point (half of the 2 s lifetime)
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(10))
					.until(() -> state.readyAuthorizedClient() == null);
				// from there each call is served at-1 and starts a background refresh,
				// refused, until the refusal is recorded
				Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
					assertThat(state.authorizedClient().block(Duration.ofSeconds(5)).getAccessToken().getTokenValue())
						.isEqualTo("at-1");
					return state.getTokenEndpointFailure() != null;
				});
				assertThat(Instant.now()).as("the refused refresh happened while at-1 was valid").isBefore(expiresAt);
				tokens.acceptConnections();
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(20))
					.untilAsserted(() -> assertThat(
							state.authorizedClient().block(Duration.ofSeconds(5)).getAccessToken().getTokenValue())
						.isNotEqualTo("at-1"));
				List<LoggedRequest> requests = tokens.requests();
				List<String> sent = requests.stream().map(RefreshTokenSentOnceTests::describe).toList();
				assertThat(sent).as("token requests").hasSizeGreaterThanOrEqualTo(2);
				assertThat(sent.get(0)).isEqualTo("password");
				assertThat(sent.get(1)).as("token requests: %s", sent).isIn("refresh_token rt-1", "password");
				assertThat(sent.stream().filter("refresh_token rt-1"::equals).count()).as("token requests: %s", sent)
					.isLessThanOrEqualTo(1);
			});
		}
	}

	/**
	 * Calls, one every 20 ms, until the condition holds, for at most 10 s (a run takes
	 * about 2 s).
	 * @return whether the condition held
	 */
	private static boolean callUntil(PosTokenState state, BooleanSupplier condition) {
		try {
			Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
				try {
					state.authorizedClient().block(Duration.ofSeconds(5));
				}
				catch (ClientAuthorizationException ex) {
					// a caller may fail while no token is held; what counts is what was
					// sent
				}
				return condition.getAsBoolean();
			});
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	/**
	 * Whether the journal (in the order the requests arrived) shows at least two refresh
	 * requests and a password grant after the last of them. A refresh that timed out is
	 * journaled only when its late answer goes out, so this waits for that too.
	 */
	private static boolean twoRefreshesAndAPasswordGrantAfterTheLast(List<LoggedRequest> journal) {
		List<String> grantTypes = journal.stream().map(LifecycleFixture::grantType).toList();
		int lastRefresh = grantTypes.lastIndexOf("refresh_token");
		return grantTypes.stream().filter("refresh_token"::equals).count() >= 2
				&& grantTypes.subList(lastRefresh + 1, grantTypes.size()).contains("password");
	}

	private static String refreshToken(LoggedRequest request) {
		return LifecycleFixture.body(request).path("refresh_token").asString();
	}

	private static String describe(LoggedRequest request) {
		String grantType = LifecycleFixture.grantType(request);
		return "refresh_token".equals(grantType) ? grantType + " " + refreshToken(request) : grantType;
	}

}
