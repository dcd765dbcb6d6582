package com.chimpy.pos.auth.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.Disposables;

import com.chimpy.pos.auth.health.PosAuthHealthIndicator;
import com.chimpy.pos.auth.token.InMemoryPosTokenStore;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.PosTokenStore;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * {@link PosAuthHealthAutoConfiguration}, one test per condition.
 */
class PosAuthHealthAutoConfigurationTests {

	private final ApplicationContextRunner runner = PosAutoConfigurationRunners
		.runner(PosAuthHealthAutoConfiguration.class);

	@Test
	void healthIndicatorWithPosPropertiesIsUpBeforeAnyTokenRequest() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.run((context) -> assertThat(context.getBean(PosAuthHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.UP));
	}

	@Test
	void noHealthIndicatorWithoutPosProperties() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(PosAuthHealthIndicator.class));
	}

	@Test
	void noHealthIndicatorWhenSwitchedOff() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withPropertyValues("management.health.pos-auth.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(PosTokenState.class)
				.doesNotHaveBean(PosAuthHealthIndicator.class));
	}

	@Test
	void noHealthIndicatorWithoutBootsHealthSupport() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasSingleBean(PosTokenState.class)
				.doesNotHaveBean(PosAuthHealthIndicator.class));
	}

	@Test
	void backsOffForAnApplicationBeanOfTheSameName() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withUserConfiguration(OwnIndicator.class)
			.run((context) -> assertThat(context.getBean("posAuthHealthIndicator")).isSameAs(OwnIndicator.INDICATOR));
	}

	@Test
	void tokenStoreDetailIsTheStoreTheTokenStatesRenewThrough() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withUserConfiguration(OwnStore.class)
			.run((context) -> assertThat(context.getBean(PosAuthHealthIndicator.class).health().getDetails())
				.containsEntry("tokenStore", Map.of("type", "own")));
	}

	@Test
	void tokenStoreDetailIsInMemoryWithoutAStoreBean() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.run((context) -> assertThat(context.getBean(PosAuthHealthIndicator.class).health().getDetails())
				.containsEntry("tokenStore", InMemoryPosTokenStore.INSTANCE.getDetails()));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnStore {

		@Bean
		PosTokenStore posTokenStore() {
			PosTokenStore store = mock(PosTokenStore.class);
			given(store.attach(any())).willReturn(Disposables.single());
			given(store.getDetails()).willReturn(Map.of("type", "own"));
			return store;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnIndicator {

		static final HealthIndicator INDICATOR = () -> Health.unknown().build();

		@Bean
		HealthIndicator posAuthHealthIndicator() {
			return INDICATOR;
		}

	}

}
