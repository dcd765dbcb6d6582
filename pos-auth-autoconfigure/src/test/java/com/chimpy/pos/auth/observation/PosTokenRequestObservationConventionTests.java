package com.chimpy.pos.auth.observation;

import java.time.Duration;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.UnblockedUsers;
import com.chimpy.pos.auth.observation.PosTokenRequestObservationContext.Outcome;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PasswordGrantRequest;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link PosTokenRequestObservationConvention}: the default one reproduces the
 * {@value ObservedTokenResponseClient#NAME} observation's name and tags, and an
 * application changes them with a convention bean (picked up by the auto-configuration),
 * a convention set on {@link ObservedTokenResponseClient}, or a global convention
 * registered with the {@link ObservationRegistry}. Token requests are counted from the
 * sandbox's request journal.
 */
class PosTokenRequestObservationConventionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	@RegisterExtension
	static final UnblockedUsers unblockedUsers = new UnblockedUsers(extension);

	private static final PosSandbox sandbox = extension.sandbox();

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private ApplicationContextRunner runner(ObservationRegistry registry) {
		return PosSandboxFixture.contextRunner()
			.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues(sandbox.springPropertyValues());
	}

	private static String stores(WebClient client) {
		return client.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	@Test
	void conventionBeanRenamesTheObservationAndAddsATag() {
		runner(this.observations).withBean(PosTokenRequestObservationConvention.class, RenamingConvention::new)
			.run((context) -> {
				stores(context.getBean("posWebClient", WebClient.class));
				assertThat(sandbox.tokenRequests("password")).isEqualTo(1);
				TestObservationRegistryAssert.assertThat(this.observations)
					.hasNumberOfObservationsWithNameEqualTo(ObservedTokenResponseClient.NAME, 0)
					.hasNumberOfObservationsWithNameEqualTo("chimpy.login", 1)
					.hasObservationWithNameEqualTo("chimpy.login")
					.that()
					.hasContextualNameEqualTo("chimpy login")
					.hasLowCardinalityKeyValue("grant.type", "password")
					.hasLowCardinalityKeyValue("outcome", "success")
					.hasLowCardinalityKeyValue(ObservedTokenResponseClient.ERROR_CODE, "none")
					.hasLowCardinalityKeyValue("pos.tenant", "chimpy")
					.hasBeenStopped();
			});
	}

	@Test
	void conventionBeanTagsARejectionFromTheContext() {
		runner(this.observations).withBean(PosTokenRequestObservationConvention.class, RenamingConvention::new)
			.withPropertyValues("pos.auth.password=not-the-password")
			.run((context) -> {
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> stores(context.getBean("posWebClient", WebClient.class)));
				assertThat(sandbox.tokenRequests("password")).isEqualTo(1);
				TestObservationRegistryAssert.assertThat(this.observations)
					.hasObservationWithNameEqualTo("chimpy.login")
					.that()
					.hasLowCardinalityKeyValue("outcome", "rejected")
					.hasLowCardinalityKeyValue(ObservedTokenResponseClient.ERROR_CODE, "invalid_grant")
					.hasLowCardinalityKeyValue("pos.tenant", "chimpy")
					.hasError();
			});
	}

	@Test
	void conventionBeanNamesTheMicrometerTimer() {
		MeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		runner(registry).withBean(PosTokenRequestObservationConvention.class, RenamingConvention::new)
			.run((context) -> {
				WebClient client = context.getBean("posWebClient", WebClient.class);
				stores(client);
				stores(client);
				assertThat(sandbox.tokenRequests()).isEqualTo(1);
				Timer timer = meters.find("chimpy.login")
					.tags("grant.type", "password", "outcome", "success", "pos.tenant", "chimpy")
					.timer();
				assertThat(timer).isNotNull();
				assertThat(timer.count()).isEqualTo(1);
				assertThat(meters.find(ObservedTokenResponseClient.NAME).meters()).isEmpty();
			});
	}

	@Test
	void withoutAConventionBeanTheDefaultNameAndTagsApply() {
		runner(this.observations).run((context) -> {
			stores(context.getBean("posWebClient", WebClient.class));
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo(ObservedTokenResponseClient.NAME)
				.that()
				.hasContextualNameEqualTo("pos token request")
				.hasLowCardinalityKeyValue("grant.type", "password")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasLowCardinalityKeyValue(ObservedTokenResponseClient.ERROR_CODE, "none")
				.doesNotHaveLowCardinalityKeyValueWithKey("pos.tenant");
		});
	}

	@Test
	void globalConventionOfTheRegistryApplies() {
		this.observations.observationConfig().observationConvention(new GlobalRenamingConvention());
		runner(this.observations).run((context) -> {
			stores(context.getBean("posWebClient", WebClient.class));
			TestObservationRegistryAssert.assertThat(this.observations)
				.hasNumberOfObservationsWithNameEqualTo(ObservedTokenResponseClient.NAME, 0)
				.hasObservationWithNameEqualTo("chimpy.login")
				.that()
				.hasLowCardinalityKeyValue("pos.tenant", "chimpy");
		});
	}

	@Test
	void conventionSetOnTheClientWinsOverTheGlobalOne() {
		this.observations.observationConfig().observationConvention(new GlobalRenamingConvention());
		ObservedTokenResponseClient client = new ObservedTokenResponseClient(answering(), this.observations);
		client.setObservationConvention(new DefaultPosTokenRequestObservationConvention() {

			@Override
			public String getName() {
				return "set.on.client";
			}

		});
		client.getTokenResponse(passwordGrant()).block(TIMEOUT);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasNumberOfObservationsWithNameEqualTo("set.on.client", 1)
			.hasNumberOfObservationsWithNameEqualTo("chimpy.login", 0);
		client.setObservationConvention(null);
		client.getTokenResponse(passwordGrant()).block(TIMEOUT);
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasNumberOfObservationsWithNameEqualTo("chimpy.login", 1);
	}

	@Test
	void defaultConventionTagsOnlyTheGrantTypeWhileTheRequestIsUnderWay() {
		DefaultPosTokenRequestObservationConvention convention = new DefaultPosTokenRequestObservationConvention();
		PosTokenRequestObservationContext context = new PosTokenRequestObservationContext("refresh_token");
		assertThat(convention.getName()).isEqualTo(ObservedTokenResponseClient.NAME);
		assertThat(convention.getContextualName(context)).isEqualTo("pos token request");
		assertThat(convention.getLowCardinalityKeyValues(context))
			.containsExactly(KeyValue.of("grant.type", "refresh_token"));
		context.setOutcome(Outcome.UNEXPECTED_RESPONSE);
		context.setErrorCode("invalid_token_response");
		assertThat(convention.getLowCardinalityKeyValues(context)).containsExactlyInAnyOrder(
				KeyValue.of("grant.type", "refresh_token"), KeyValue.of("outcome", "unexpected_response"),
				KeyValue.of(ObservedTokenResponseClient.ERROR_CODE, "invalid_token_response"));
		context.setOutcome(Outcome.CANCELLED);
		context.setErrorCode(null);
		assertThat(convention.getLowCardinalityKeyValues(context)).contains(KeyValue.of("outcome", "cancelled"),
				KeyValue.of(ObservedTokenResponseClient.ERROR_CODE, "none"));
		assertThat(convention.getHighCardinalityKeyValues(context)).isEmpty();
		assertThat(convention.supportsContext(context)).isTrue();
		assertThat(convention.supportsContext(new Observation.Context())).isFalse();
	}

	private static ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> answering() {
		return (request) -> Mono.just(OAuth2AccessTokenResponse.withToken("t")
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(60)
			.build());
	}

	private static PasswordGrantRequest passwordGrant() {
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId("client")
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri("https://auth.example.com/oauth/token")
			.build();
		return new PasswordGrantRequest(registration, "user", "secret-password");
	}

	/**
	 * Renames the observation and adds a tag, keeping the default tags.
	 */
	static class RenamingConvention extends DefaultPosTokenRequestObservationConvention {

		@Override
		public String getName() {
			return "chimpy.login";
		}

		@Override
		public String getContextualName(PosTokenRequestObservationContext context) {
			return "chimpy login";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(PosTokenRequestObservationContext context) {
			return super.getLowCardinalityKeyValues(context).and("pos.tenant", "chimpy");
		}

	}

	/**
	 * The same, registered with the registry for every
	 * {@link PosTokenRequestObservationContext}.
	 */
	static final class GlobalRenamingConvention extends RenamingConvention
			implements GlobalObservationConvention<PosTokenRequestObservationContext> {

	}

}
