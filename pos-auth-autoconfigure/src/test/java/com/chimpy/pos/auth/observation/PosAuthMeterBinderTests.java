package com.chimpy.pos.auth.observation;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.UnblockedUsers;
import com.chimpy.pos.auth.autoconfigure.PosAuthMetricsAutoConfiguration;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The gauges {@code pos.auth.token.expires.in} and {@code pos.auth.credential.guard} of
 * the auto-configured {@link PosAuthMeterBinder}, read from a {@link SimpleMeterRegistry}
 * while the token state moves through its states against the sandbox.
 */
class PosAuthMeterBinderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	@RegisterExtension
	static final UnblockedUsers unblockedUsers = new UnblockedUsers(extension);

	private static final PosSandbox sandbox = extension.sandbox();

	private static ApplicationContextRunner runner() {
		return PosSandboxFixture.contextRunner()
			.withConfiguration(AutoConfigurations.of(PosAuthMetricsAutoConfiguration.class))
			.withPropertyValues(sandbox.springPropertyValues());
	}

	private static MeterRegistry bind(PosAuthMeterBinder binder) {
		MeterRegistry registry = new SimpleMeterRegistry();
		binder.bindTo(registry);
		return registry;
	}

	private static double gauge(MeterRegistry registry, String name) {
		Gauge gauge = registry.find(name).gauge();
		assertThat(gauge).as(name).isNotNull();
		return gauge.value();
	}

	private static void callApi(WebClient client) {
		client.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	@Test
	void expiresInIsZeroBeforeAnyTokenThenTheTokenLifetime() {
		runner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PosAuthMeterBinder.class));
			Gauge gauge = registry.find("pos.auth.token.expires.in").gauge();
			assertThat(gauge).isNotNull();
			assertThat(gauge.getId().getBaseUnit()).isEqualTo("seconds");
			assertThat(gauge.getId().getDescription()).isNotBlank();
			assertThat(gauge.value()).isZero();
			callApi(context.getBean("posWebClient", WebClient.class));
			assertThat(gauge.value()).isCloseTo(sandbox.tokenLifetime().toSeconds(), within(30.0));
			assertThat(gauge.value()).isLessThanOrEqualTo(sandbox.tokenLifetime().toSeconds());
			assertThat(sandbox.tokenRequests()).as("reading the gauge sends no token request").isEqualTo(1);
		});
	}

	@Test
	void credentialGuardIsZeroWhileCredentialsAreAccepted() {
		runner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PosAuthMeterBinder.class));
			assertThat(gauge(registry, "pos.auth.credential.guard")).isZero();
			callApi(context.getBean("posWebClient", WebClient.class));
			assertThat(gauge(registry, "pos.auth.credential.guard")).isZero();
		});
	}

	@Test
	void credentialGuardIsOneWhileARejectionHoldsPasswordGrantsBack() {
		runner().withPropertyValues("pos.auth.password=wrong-password").run((context) -> {
			MeterRegistry registry = bind(context.getBean(PosAuthMeterBinder.class));
			assertThatExceptionOfType(ClientAuthorizationException.class)
				.isThrownBy(() -> callApi(context.getBean("posWebClient", WebClient.class)));
			assertThat(gauge(registry, "pos.auth.credential.guard")).isEqualTo(1);
			assertThat(gauge(registry, "pos.auth.token.expires.in")).isZero();
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void credentialGuardIsTwoOnceStoppedAndZeroAfterReset() {
		runner().withPropertyValues("pos.auth.password=wrong-password", "pos.auth.max-credential-rejections=1")
			.run((context) -> {
				MeterRegistry registry = bind(context.getBean(PosAuthMeterBinder.class));
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> callApi(context.getBean("posWebClient", WebClient.class)));
				assertThat(gauge(registry, "pos.auth.credential.guard")).isEqualTo(2);
				context.getBean(PosTokenState.class).reset();
				assertThat(gauge(registry, "pos.auth.credential.guard")).isZero();
			});
	}

	@Test
	void unauthorizedReplaysAreCounted() {
		runner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PosAuthMeterBinder.class));
			WebClient client = context.getBean("posWebClient", WebClient.class);
			callApi(client);
			sandbox.api().failNext(1, com.chimpy.pos.auth.test.Fault.status(401));
			callApi(client);
			assertThat(sandbox.apiRequests(401)).isEqualTo(1);
			assertThat(registry.find("pos.auth.unauthorized.replays").functionCounter()).isNotNull()
				.satisfies((counter) -> assertThat(counter.count()).isEqualTo(1));
		});
	}

	@Test
	void noBinderWithoutMicrometer() {
		runner().withClassLoader(new FilteredClassLoader(io.micrometer.core.instrument.binder.MeterBinder.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(PosAuthMeterBinder.class);
				assertThat(context).hasBean("posWebClient");
			});
	}

	@Test
	void binderBacksOffForTheApplicationsOwn() {
		PosAuthMeterBinder own = new PosAuthMeterBinder(org.mockito.Mockito.mock(PosTokenState.class));
		runner().withBean("posAuthMeterBinder", PosAuthMeterBinder.class, () -> own)
			.run((context) -> assertThat(context).getBean(PosAuthMeterBinder.class).isSameAs(own));
	}

}
