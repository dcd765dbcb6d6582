package com.chimpy.pos.auth.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PosRestClientAutoConfiguration}, one test per condition.
 */
class PosRestClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = PosAutoConfigurationRunners
		.runner(RestClientAutoConfiguration.class, PosRestClientAutoConfiguration.class);

	@Test
	void posRestClientWithPosProperties() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.run((context) -> assertThat(context).hasBean("posRestClient"));
	}

	@Test
	void posRestClientIsNotADefaultInjectionCandidate() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.run((context) -> assertThat(
					((AbstractBeanDefinition) context.getBeanFactory().getMergedBeanDefinition("posRestClient"))
						.isDefaultCandidate())
				.isFalse());
	}

	@Test
	void noPosRestClientWithoutPosProperties() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean("posRestClient"));
	}

	@Test
	void noPosRestClientWhenPosAuthIsDisabled() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withPropertyValues("pos.auth.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("posRestClient"));
	}

	@Test
	void noPosRestClientWithoutBootsRestClientSupport() {
		PosAutoConfigurationRunners.runner(PosRestClientAutoConfiguration.class)
			.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withClassLoader(new FilteredClassLoader(RestClientAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("posRestClient"));
	}

	@Test
	void backsOffForAnApplicationBeanOfTheSameName() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withUserConfiguration(OwnPosRestClient.class)
			.run((context) -> assertThat(context.getBean("posRestClient")).isSameAs(OwnPosRestClient.CLIENT));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnPosRestClient {

		static final RestClient CLIENT = RestClient.create();

		@Bean
		RestClient posRestClient() {
			return CLIENT;
		}

	}

}
