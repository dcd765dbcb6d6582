package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.awaitility.Awaitility;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.autoconfigure.PosAuthHealthAutoConfiguration;
import com.chimpy.pos.auth.health.PosAuthHealthIndicator;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of token endpoint answers that are no OAuth2 error (redirects, a proxy's
 * or a firewall's pages) share: the auto-configured token state with health and
 * observations, and what must hold while such answers arrive and once a token is issued
 * again. Token requests are read from the sandbox's journal.
 */
final class UnexpectedAnswerFixture {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private UnexpectedAnswerFixture() {
	}

	/**
	 * Loads and initializes the HTTP client, server and context code once, so that no
	 * test's first token request runs into a tight {@code max-wait} while the JVM is
	 * cold.
	 * @param sandbox the sandbox that issues the token
	 */
	static void warmUp(PosSandbox sandbox) {
		PosSandboxFixture.contextRunner()
			.withPropertyValues(PosSandboxFixture.properties(sandbox, "pos.auth.max-wait=20s",
					"pos.auth.request-timeout=20s", "pos.auth.read-timeout=20s"))
			.run((context) -> context.getBean(PosTokenState.class).authorizedClient().block(Duration.ofSeconds(20)));
	}

	/**
	 * A context runner with the pos-auth auto-configuration and its health indicator
	 * pointed at the sandbox, observed by the given registry.
	 * @param sandbox the sandbox
	 * @param observations the observation registry
	 * @param more more properties
	 * @return the context runner
	 */
	static ApplicationContextRunner runner(PosSandbox sandbox, TestObservationRegistry observations, String... more) {
		return PosSandboxFixture.contextRunner()
			.withConfiguration(AutoConfigurations.of(PosAuthHealthAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class))
			.withBean(ObservationRegistry.class, () -> observations)
			.withPropertyValues(PosSandboxFixture.properties(sandbox, more));
	}

	/**
	 * Every token request is a password grant, and each follows the one before by at
	 * least the given time.
	 * @param requests the token requests from the journal, oldest first
	 * @param description what the spacing stands for
	 * @param minMillis the least time between two requests
	 */
	static void assertPasswordGrantsSpacedBy(List<ServeEvent> requests, String description, long minMillis) {
		assertThat(requests).allSatisfy(
				(request) -> assertThat(LifecycleFixture.grantType(request.getRequest())).isEqualTo("password"));
		for (int i = 1; i < requests.size(); i++) {
			assertThat(requests.get(i).getRequest().getLoggedDate().getTime()
					- requests.get(i - 1).getRequest().getLoggedDate().getTime())
				.as(description)
				.isGreaterThanOrEqualTo(minMillis);
		}
	}

	/**
	 * The answers were taken for an outage, not for a verdict on the credentials: the
	 * state neither stopped nor holds a credential rejection, health is UP without
	 * {@code error} and names the unexpected response, and every token request was
	 * observed with outcome {@code unexpected_response}.
	 * @param context the application context
	 * @param observations the observation registry of the context
	 */
	static void assertAnOutageNotACredentialVerdict(ApplicationContext context, TestObservationRegistry observations) {
		PosTokenState state = context.getBean(PosTokenState.class);
		assertThat(state.isStopped()).isFalse();
		assertThat(state.getCredentialRejection()).isNull();
		Health health = context.getBean(PosAuthHealthIndicator.class).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("error")
			.containsEntry("tokenEndpoint", "unexpected_response")
			.containsEntry("lastError", PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
		assertThat(LifecycleFixture.tokenObservations(observations)).isNotEmpty()
			.allSatisfy((tags) -> assertThat(tags).isEqualTo("password/unexpected_response/invalid_token_response"));
	}

	/**
	 * Once the token endpoint answers with a token ({@code access-1}) again, a later call
	 * gets it (within 5 s) and health is UP.
	 * @param sandbox the sandbox of the token endpoint
	 * @param context the application context
	 */
	static void assertRecoversOnceATokenIsIssued(PosSandbox sandbox, ApplicationContext context) {
		PosTokenState state = context.getBean(PosTokenState.class);
		sandbox.tokenEndpoint().failAlways(Fault.tokenAnswer("access-1", 3600, null));
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptionsInstanceOf(ClientAuthorizationException.class)
			.untilAsserted(() -> assertThat(state.authorizedClient().block(TIMEOUT).getAccessToken().getTokenValue())
				.isEqualTo("access-1"));
		assertThat(context.getBean(PosAuthHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
	}

}
