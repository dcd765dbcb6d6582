package com.chimpy.pos.auth.observation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.UnblockedUsers;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PasswordGrantRequest;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The {@value ObservedTokenResponseClient#NAME} observation: one per token request sent
 * by the auto-configured token state, tagged with {@code grant.type}, {@code outcome} and
 * the OAuth2 error code ({@value ObservedTokenResponseClient#ERROR_CODE}), recorded in
 * the application's {@link ObservationRegistry} and, through Micrometer's meter handler,
 * as a timer that keeps the error code next to Micrometer's own {@code error} tag. Token
 * requests are counted from the sandbox's request journal.
 */
class ObservedTokenResponseClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	@RegisterExtension
	static final UnblockedUsers unblockedUsers = new UnblockedUsers(extension);

	private static final PosSandbox sandbox = extension.sandbox();

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private ApplicationContextRunner runner() {
		return PosSandboxFixture.contextRunner()
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withPropertyValues(sandbox.springPropertyValues())
			.withPropertyValues("pos.auth.retry-backoff=50ms", "pos.auth.max-retry-backoff=50ms");
	}

	private static String stores(WebClient client) {
		return client.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	/**
	 * grant.type / outcome / error of each pos.auth.token.request observation, in the
	 * order they started.
	 */
	private List<String> tokenObservations() {
		List<String> tags = new ArrayList<>();
		TestObservationRegistryAssert.assertThat(this.observations).hasHandledContextsThatSatisfy((contexts) -> {
			for (Observation.Context context : contexts) {
				if (ObservedTokenResponseClient.NAME.equals(context.getName())) {
					tags.add(value(context, "grant.type") + "/" + value(context, "outcome") + "/"
							+ value(context, ObservedTokenResponseClient.ERROR_CODE));
				}
			}
		});
		return tags;
	}

	private static String value(Observation.Context context, String key) {
		KeyValue keyValue = context.getLowCardinalityKeyValue(key);
		return (keyValue != null) ? keyValue.getValue() : "<missing>";
	}

	@Test
	void passwordGrantIsObservedAsSuccess() {
		runner().run((context) -> {
			stores(context.getBean("posWebClient", WebClient.class));
			stores(context.getBean("posWebClient", WebClient.class));
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
			assertThat(tokenObservations()).containsExactly("password/success/none");
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(ObservedTokenResponseClient.NAME)
				.that()
				.hasContextualNameEqualTo("pos token request")
				.hasBeenStarted()
				.hasBeenStopped()
				.doesNotHaveError();
		});
	}

	@Test
	void refreshGrantAfterA401IsObservedAsSuccess() {
		runner().run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			stores(client);
			sandbox.api().failNext(1, Fault.status(401));
			stores(client);
			assertThat(sandbox.tokenRequests("password")).isEqualTo(1);
			assertThat(sandbox.tokenRequests("refresh_token")).isEqualTo(1);
			assertThat(tokenObservations()).containsExactly("password/success/none", "refresh_token/success/none");
		});
	}

	@Test
	void rejectedPasswordIsObservedWithItsErrorCode() {
		runner().withPropertyValues("pos.auth.password=not-the-password").run((context) -> {
			assertThatExceptionOfType(ClientAuthorizationException.class)
				.isThrownBy(() -> stores(context.getBean("posWebClient", WebClient.class)));
			assertThat(sandbox.tokenRequests("password")).isEqualTo(1);
			assertThat(tokenObservations()).containsExactly("password/rejected/invalid_grant");
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(ObservedTokenResponseClient.NAME)
				.that()
				.hasError();
		});
	}

	@Test
	void rejectedRefreshTokenIsObservedBeforeThePasswordFallback() {
		runner().run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			stores(client);
			sandbox.revokeAllTokens();
			stores(client);
			assertThat(sandbox.tokenRequests("refresh_token")).isEqualTo(1);
			assertThat(sandbox.tokenRequests("password")).isEqualTo(2);
			assertThat(tokenObservations()).containsExactly("password/success/none",
					"refresh_token/rejected/invalid_grant", "password/success/none");
		});
	}

	@Test
	void serverErrorIsObservedAsUnavailable() {
		runner().run((context) -> {
			sandbox.tokenEndpoint().failNext(1, Fault.status(500));
			stores(context.getBean("posWebClient", WebClient.class));
			assertThat(sandbox.tokenRequests("password")).isEqualTo(2);
			assertThat(tokenObservations()).containsExactly("password/unavailable/server_error",
					"password/success/none");
		});
	}

	@Test
	void tooManyRequestsIsObservedAsUnavailable() {
		runner().run((context) -> {
			sandbox.tokenEndpoint().failNext(1, Fault.tooManyRequests(0));
			stores(context.getBean("posWebClient", WebClient.class));
			assertThat(tokenObservations()).first().isEqualTo("password/unavailable/too_many_requests");
		});
	}

	@Test
	void apiErrorsAreNotTokenRequests() {
		runner().run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			stores(client);
			sandbox.api().failNext(1, Fault.status(403));
			assertThatExceptionOfType(WebClientResponseException.Forbidden.class).isThrownBy(() -> stores(client));
			assertThat(tokenObservations()).containsExactly("password/success/none");
		});
	}

	@Test
	void timerCarriesTheTagsWhenMicrometerHandlesTheObservations() {
		MeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		PosSandboxFixture.contextRunner()
			.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues(sandbox.springPropertyValues())
			.withPropertyValues("pos.auth.retry-backoff=50ms", "pos.auth.max-retry-backoff=50ms")
			.run((context) -> {
				sandbox.tokenEndpoint().failNext(1, Fault.status(500));
				WebClient client = context.getBean("posWebClient", WebClient.class);
				stores(client);
				stores(client);
				Timer success = meters.find(ObservedTokenResponseClient.NAME)
					.tags("grant.type", "password", "outcome", "success", ObservedTokenResponseClient.ERROR_CODE,
							"none")
					.timer();
				Timer unavailable = meters.find(ObservedTokenResponseClient.NAME)
					.tags("grant.type", "password", "outcome", "unavailable", ObservedTokenResponseClient.ERROR_CODE,
							"server_error")
					.timer();
				assertThat(success).isNotNull();
				assertThat(success.count()).isEqualTo(1);
				assertThat(unavailable).isNotNull();
				assertThat(unavailable.count()).isEqualTo(1);
				assertThat(unavailable.getId().getTag("error")).isEqualTo("TokenEndpointException");
				assertThat(meters.find(ObservedTokenResponseClient.NAME).timers()).hasSize(2);
				assertThat(sandbox.tokenRequests()).isEqualTo(2);
			});
	}

	@Test
	void cancelledRequestIsObservedAsCancelled() {
		ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> never = (request) -> Mono
			.never();
		ObservedTokenResponseClient client = new ObservedTokenResponseClient(never, this.observations);
		Disposable subscription = client.getTokenResponse(passwordGrant()).subscribe();
		subscription.dispose();
		assertThat(tokenObservations()).containsExactly("password/cancelled/none");
	}

	@Test
	void failureWithoutOAuth2ErrorIsTaggedWithoutErrorCode() {
		ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> failing = (request) -> Mono
			.error(new IllegalStateException("boom"));
		ObservedTokenResponseClient client = new ObservedTokenResponseClient(failing, this.observations);
		assertThatIllegalStateException().isThrownBy(() -> client.getTokenResponse(passwordGrant()).block(TIMEOUT));
		assertThat(tokenObservations()).containsExactly("password/error/none");
	}

	@Test
	void observationIsCreatedPerSubscription() {
		ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> answering = (request) -> Mono
			.just(OAuth2AccessTokenResponse.withToken("t")
				.tokenType(org.springframework.security.oauth2.core.OAuth2AccessToken.TokenType.BEARER)
				.expiresIn(60)
				.build());
		ObservedTokenResponseClient client = new ObservedTokenResponseClient(answering, this.observations);
		Mono<OAuth2AccessTokenResponse> response = client.getTokenResponse(passwordGrant());
		assertThat(tokenObservations()).isEmpty();
		response.block(TIMEOUT);
		response.block(TIMEOUT);
		assertThat(tokenObservations()).containsExactly("password/success/none", "password/success/none");
	}

	private static PasswordGrantRequest passwordGrant() {
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId("client")
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri("https://auth.example.com/oauth/token")
			.build();
		return new PasswordGrantRequest(registration, "user", "secret-password");
	}

}
