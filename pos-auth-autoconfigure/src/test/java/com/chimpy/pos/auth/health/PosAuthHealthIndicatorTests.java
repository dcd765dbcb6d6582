package com.chimpy.pos.auth.health;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.UnblockedUsers;
import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosAuthHealthAutoConfiguration;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code posAuth} health indicator: UP before any token request and after a
 * successful one, DOWN with the OAuth2 error code while the credentials are rejected and
 * once password grants have stopped; it never calls the token endpoint itself (checked in
 * the sandbox's journal). Switched off with
 * {@code management.health.pos-auth.enabled=false}.
 */
class PosAuthHealthIndicatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	@RegisterExtension
	static final UnblockedUsers unblockedUsers = new UnblockedUsers(extension);

	private static final PosSandbox sandbox = extension.sandbox();

	private static ApplicationContextRunner runner() {
		return PosSandboxFixture.contextRunner()
			.withConfiguration(AutoConfigurations.of(PosAuthHealthAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class))
			.withPropertyValues(sandbox.springPropertyValues());
	}

	private static void callApi(WebClient client) {
		client.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	@Test
	void upBeforeAnyTokenRequestWithoutCallingTheTokenEndpoint() {
		runner().run((context) -> {
			Health health = context.getBean(PosAuthHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("stopped", false)
				.doesNotContainKeys("error", "tokenExpiresAt");
			assertThat(sandbox.tokenRequests()).isZero();
		});
	}

	@Test
	void upAfterASuccessfulTokenRequestWithTheExpiry() {
		runner().run((context) -> {
			callApi(context.getBean("posWebClient", WebClient.class));
			Health health = context.getBean(PosAuthHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("stopped", false).containsKey("tokenExpiresAt");
			assertThat(health.getDetails().get("tokenExpiresAt"))
				.isEqualTo(context.getBean(PosTokenState.class).getExpiresAt().toString());
			context.getBean(PosAuthHealthIndicator.class).health();
			assertThat(sandbox.tokenRequests()).as("health checks send no token request").isEqualTo(1);
		});
	}

	@Test
	void downWithTheErrorCodeWhileCredentialsAreRejected() {
		runner().withPropertyValues("pos.auth.password=wrong-password").run((context) -> {
			assertThatExceptionOfType(ClientAuthorizationException.class)
				.isThrownBy(() -> callApi(context.getBean("posWebClient", WebClient.class)));
			Health health = context.getBean(PosAuthHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("error", "invalid_grant")
				.containsEntry("stopped", false)
				.doesNotContainKey("tokenExpiresAt");
			assertThat(health.toString()).doesNotContain("wrong-password");
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void downOnceStoppedAndUpAgainAfterReset() {
		runner().withPropertyValues("pos.auth.password=wrong-password", "pos.auth.max-credential-rejections=1")
			.run((context) -> {
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> callApi(context.getBean("posWebClient", WebClient.class)));
				Health health = context.getBean(PosAuthHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("error", "invalid_grant").containsEntry("stopped", true);
				assertThat(sandbox.tokenRequests()).isEqualTo(1);
				context.getBean(PosTokenState.class).reset();
				Health afterReset = context.getBean(PosAuthHealthIndicator.class).health();
				assertThat(afterReset.getStatus()).isEqualTo(Status.UP);
				assertThat(afterReset.getDetails()).doesNotContainKey("error").containsEntry("stopped", false);
				assertThat(sandbox.tokenRequests()).as("health checks send nothing").isEqualTo(1);
				// the reset let exactly one password grant through; rejected again, the
				// status goes DOWN again
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> callApi(context.getBean("posWebClient", WebClient.class)));
				Health again = context.getBean(PosAuthHealthIndicator.class).health();
				assertThat(again.getStatus()).isEqualTo(Status.DOWN);
				assertThat(again.getDetails()).containsEntry("error", "invalid_grant").containsEntry("stopped", true);
				assertThat(sandbox.tokenRequests()).isEqualTo(2);
			});
	}

	@Test
	void downAndStoppedWhenTheServerBlockedTheUser() {
		try (PosSandbox blocking = PosSandbox.builder().maxFailedLogins(1).build().start()) {
			runner()
				.withPropertyValues("pos.auth.token-uri=" + blocking.tokenUri(),
						"pos.api.base-url=" + blocking.apiBaseUrl(), "pos.auth.password=wrong-password",
						"pos.auth.rejection-backoff=1ms", "pos.auth.max-credential-rejections=5")
				.run((context) -> {
					PosTokenState state = context.getBean(PosTokenState.class);
					assertThatExceptionOfType(ClientAuthorizationException.class)
						.isThrownBy(() -> state.authorizedClient().block(TIMEOUT));
					assertThat(blocking.tokenRequests("password")).isEqualTo(1);
					// calls within the rejection backoff fail at once and send nothing;
					// the first call after it sends the second password grant, which
					// the server answers too_many_attempts
					await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(2)).until(() -> {
						assertThatExceptionOfType(ClientAuthorizationException.class)
							.isThrownBy(() -> state.authorizedClient().block(TIMEOUT));
						return state.isStopped();
					});
					Health health = context.getBean(PosAuthHealthIndicator.class).health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails()).containsEntry("error", "too_many_attempts")
						.containsEntry("stopped", true);
					assertThat(blocking.tokenRequests("password")).isEqualTo(2);
				});
		}
	}

	/**
	 * An outage of the token endpoint says nothing about the credentials: while it lasts
	 * the status stays {@code UP} and the details name it; once a token is obtained again
	 * the details are gone. Health checks send no request of their own.
	 */
	@Test
	void outageShownInTheDetailsUntilATokenIsObtainedAgain() {
		runner()
			.withPropertyValues("pos.auth.max-wait=300ms", "pos.auth.retry-backoff=50ms",
					"pos.auth.max-retry-backoff=50ms")
			.run((context) -> {
				WebClient client = context.getBean("posWebClient", WebClient.class);
				PosAuthHealthIndicator indicator = context.getBean(PosAuthHealthIndicator.class);
				sandbox.tokenEndpoint().failAlways(com.chimpy.pos.auth.test.Fault.status(503));
				assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> callApi(client));
				int failed = sandbox.tokenRequests();
				Health during = indicator.health();
				assertThat(during.getStatus()).isEqualTo(Status.UP);
				assertThat(during.getDetails()).containsEntry("tokenEndpoint", "unavailable")
					.containsEntry("lastError", "server_error")
					.doesNotContainKeys("error", "tokenExpiresAt");
				assertThat(failed).as("token requests answered 503").isPositive();
				sandbox.tokenEndpoint().clear();
				callApi(client);
				Health after = indicator.health();
				assertThat(after.getStatus()).isEqualTo(Status.UP);
				assertThat(after.getDetails()).doesNotContainKeys("tokenEndpoint", "lastError", "error")
					.containsKey("tokenExpiresAt");
				assertThat(sandbox.tokenRequests()).as("a token request that got a token").isGreaterThan(failed);
				assertThat(sandbox.apiRequests(200)).isEqualTo(1);
			});
	}

	@Test
	void registeredAsPosAuth() {
		runner().run((context) -> {
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("posAuth")).isInstanceOf(PosAuthHealthIndicator.class);
		});
	}

	@Test
	void switchedOffWithManagementHealthPosAuthEnabled() {
		runner().withPropertyValues("management.health.pos-auth.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PosAuthHealthIndicator.class);
			assertThat(context).hasSingleBean(PosTokenState.class);
		});
	}

	@Test
	void switchedOffWithManagementHealthDefaultsEnabled() {
		runner().withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PosAuthHealthIndicator.class));
	}

	@Test
	void absentWithoutBootHealth() {
		runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PosAuthHealthIndicator.class);
		});
	}

	@Test
	void absentWithoutPosProperties() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PosAuthAutoConfiguration.class, PosAuthHealthAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PosAuthHealthIndicator.class));
	}

	@Test
	void backsOffForTheApplicationsOwn() {
		HealthIndicator own = () -> Health.up().build();
		runner().withBean("posAuthHealthIndicator", HealthIndicator.class, () -> own)
			.run((context) -> assertThat(context).getBean("posAuthHealthIndicator").isSameAs(own));
	}

}
