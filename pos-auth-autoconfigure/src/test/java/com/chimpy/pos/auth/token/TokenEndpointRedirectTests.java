package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.chimpy.pos.auth.PosStubServer;
import com.chimpy.pos.auth.autoconfigure.PosAuthHealthAutoConfiguration;
import com.chimpy.pos.auth.health.PosAuthHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static com.chimpy.pos.auth.PosStubServer.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token endpoint answers with a redirect (hardening item 1). The token connector
 * never follows it: credentials go to the configured URI only. The caller fails with
 * {@code invalid_token_response}, whose message names the status and the origin of the
 * {@code Location} but neither its path and query nor a credential; nothing reaches the
 * redirect's target (its journal stays empty, although it would hand out a token). A
 * redirect is not a verdict on the credentials: however many arrive, the credential guard
 * neither counts nor stops, health stays UP without {@code error}, and further attempts
 * are spaced by the outage backoff ({@code retry-backoff}).
 * <p>
 * Everything runs through the auto-configured token state, so the connector under test is
 * the one the application gets. Token requests are read from the two servers' journals.
 */
class TokenEndpointRedirectTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** The query of the redirect's Location: it must never show up in a message. */
	private static final String SECRET_QUERY_VALUE = "q-s3cr3t-of-the-redirect";

	@RegisterExtension
	static final PosStubServer server = PosStubServer.perClass();

	/** The target of the redirects: it would answer every request with a token. */
	@RegisterExtension
	static final PosStubServer target = PosStubServer.perClass();

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	/**
	 * Loads and initializes the HTTP client, server and context code once, so that no
	 * test's first token request runs into a tight {@code max-wait} while the JVM is
	 * cold.
	 */
	@BeforeAll
	static void warmUp() {
		server.stubTokenEndpoint(token("warm-up", 3600, null));
		PosStubServer.contextRunner()
			.withPropertyValues(server.properties("pos.auth.max-wait=20s", "pos.auth.request-timeout=20s",
					"pos.auth.read-timeout=20s"))
			.run((context) -> context.getBean(PosTokenState.class).authorizedClient().block(Duration.ofSeconds(20)));
	}

	private ApplicationContextRunner runner(String... more) {
		return PosStubServer.contextRunner()
			.withConfiguration(AutoConfigurations.of(PosAuthHealthAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class))
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withPropertyValues(server.properties(more));
	}

	private static String location() {
		return target.url(PosStubServer.TOKEN_PATH + "?token=" + SECRET_QUERY_VALUE);
	}

	private static String targetOrigin() {
		return "http://127.0.0.1:" + target.wireMock().port();
	}

	private static void redirectWith(int status) {
		target.wireMock().stubFor(any(anyUrl()).willReturn(token("access-from-the-redirect", 3600, null)));
		server.stubTokenEndpoint(aResponse().withStatus(status).withHeader("Location", location()));
	}

	/**
	 * With a {@code retry-backoff} (10 s) beyond {@code max-wait} (4 s, ample for a cold
	 * first request) the caller gets the failure of the one attempt at once.
	 */
	@ParameterizedTest(name = "HTTP {0}")
	@ValueSource(ints = { 301, 302, 303, 307, 308 })
	void redirectFailsTheCallerAndIsNotFollowed(int status) {
		redirectWith(status);
		runner("pos.auth.retry-backoff=10s", "pos.auth.max-retry-backoff=10s", "pos.auth.max-wait=4s")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> state.authorizedClient().block(TIMEOUT))
					.satisfies((ex) -> {
						assertThat(ex.getError().getErrorCode())
							.isEqualTo(PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
						assertThat(ex.getMessage()).contains("HTTP " + status)
							.contains(targetOrigin())
							.doesNotContain(SECRET_QUERY_VALUE)
							.doesNotContain("?token=")
							.doesNotContain(PosStubServer.PASSWORD);
						assertThat(String.valueOf(ex.getError().getDescription())).doesNotContain(SECRET_QUERY_VALUE)
							.doesNotContain(PosStubServer.PASSWORD);
					});
				assertThat(target.wireMock().getAllServeEvents()).as("requests sent to the redirect's target")
					.isEmpty();
				assertThat(server.tokenRequests().size()).isEqualTo(1);
				assertThat(state.getExpiresAt()).isNull();
			});
	}

	/**
	 * Calls in a tight loop for 1.5 s against an endpoint that always redirects, with
	 * {@code max-credential-rejections=2}, {@code retry-backoff} 300 ms (not growing) and
	 * {@code max-wait} 250 ms. Then the endpoint answers with a token again.
	 */
	@Test
	void redirectsAreAnOutageNeverACredentialRejection() {
		redirectWith(307);
		runner("pos.auth.retry-backoff=300ms", "pos.auth.max-retry-backoff=300ms", "pos.auth.max-wait=250ms",
				"pos.auth.max-credential-rejections=2", "pos.auth.rejection-backoff=100ms")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				List<Object> results = LifecycleFixture.callFor(state, Duration.ofMillis(1500));
				assertThat(results).hasSizeGreaterThan(10);
				assertThat(new LinkedHashSet<>(results)).as("results of all %d calls", results.size())
					.containsExactly(PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
				List<LoggedRequest> requests = LifecycleFixture.settled(server::tokenRequests);
				assertThat(requests.size()).as("attempts go on past max-credential-rejections (2)").isGreaterThan(3);
				assertThat(requests.size())
					.as("a tight loop (%d calls) does not send a request per call", results.size())
					.isLessThan(results.size() / 2);
				assertThat(requests)
					.allSatisfy((request) -> assertThat(LifecycleFixture.grantType(request)).isEqualTo("password"));
				for (int i = 1; i < requests.size(); i++) {
					assertThat(
							requests.get(i).getLoggedDate().getTime() - requests.get(i - 1).getLoggedDate().getTime())
						.as("spaced by the outage backoff (300 ms, jitter 20%%)")
						.isGreaterThanOrEqualTo(200);
				}
				assertThat(target.wireMock().getAllServeEvents()).isEmpty();
				assertThat(state.isStopped()).isFalse();
				assertThat(state.getCredentialRejection()).isNull();
				Health health = context.getBean(PosAuthHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).doesNotContainKey("error")
					.containsEntry("tokenEndpoint", "unexpected_response")
					.containsEntry("lastError", PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
				assertThat(LifecycleFixture.tokenObservations(this.observations)).isNotEmpty()
					.allSatisfy((tags) -> assertThat(tags)
						.isEqualTo("password/unexpected_response/invalid_token_response"));

				server.stubTokenEndpoint(token("access-1", 3600, null));
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(50))
					.ignoreExceptionsInstanceOf(ClientAuthorizationException.class)
					.untilAsserted(
							() -> assertThat(state.authorizedClient().block(TIMEOUT).getAccessToken().getTokenValue())
								.isEqualTo("access-1"));
				assertThat(context.getBean(PosAuthHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
			});
	}

}
