package com.chimpy.pos.auth.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.observation.PosAuthMeterBinder;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PosAuthMetricsAutoConfiguration}, one test per condition.
 */
class PosAuthMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = PosAutoConfigurationRunners
		.runner(PosAuthMetricsAutoConfiguration.class);

	@Test
	void meterBinderWithPosPropertiesBindsEveryMeterIncludingTheRateLimit() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED).run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(PosAuthMeterBinder.class).bindTo(registry);
			assertThat(registry.getMeters()).extracting((meter) -> meter.getId().getName())
				.contains("pos.auth.token.expires.in", "pos.auth.credential.guard", "pos.auth.unauthorized.replays",
						"pos.auth.unauthorized.held.back", "pos.auth.rate.limit.remaining");
		});
	}

	@Test
	void noMeterBinderWithoutPosProperties() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(PosAuthMeterBinder.class));
	}

	@Test
	void noMeterBinderWithoutMicrometer() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasSingleBean(PosTokenState.class)
				.doesNotHaveBean(PosAuthMeterBinder.class));
	}

	@Test
	void backsOffForAnApplicationBeanOfTheSameName() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withUserConfiguration(OwnBinder.class)
			.run((context) -> assertThat(context.getBean("posAuthMeterBinder")).isSameAs(OwnBinder.BINDER));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBinder {

		static final MeterBinder BINDER = (registry) -> {
		};

		@Bean
		MeterBinder posAuthMeterBinder() {
			return BINDER;
		}

	}

}
