package com.chimpy.pos.auth.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PosWebClientAutoConfiguration}, one test per condition.
 */
class PosWebClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = PosAutoConfigurationRunners.runner(WebClientAutoConfiguration.class,
			PosWebClientAutoConfiguration.class);

	@Test
	void posWebClientWithPosProperties() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.run((context) -> assertThat(context).hasBean("posWebClient"));
	}

	@Test
	void posWebClientIsNotADefaultInjectionCandidate() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.run((context) -> assertThat(
					((AbstractBeanDefinition) context.getBeanFactory().getMergedBeanDefinition("posWebClient"))
						.isDefaultCandidate())
				.isFalse());
	}

	@Test
	void noPosWebClientWithoutPosProperties() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean("posWebClient"));
	}

	@Test
	void noPosWebClientWhenPosAuthIsDisabled() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withPropertyValues("pos.auth.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("posWebClient"));
	}

	@Test
	void noPosWebClientWithoutWebClientOnTheClasspath() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withClassLoader(new FilteredClassLoader(WebClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean("posWebClient"));
	}

	@Test
	void backsOffForAnApplicationBeanOfTheSameName() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withUserConfiguration(OwnPosWebClient.class)
			.run((context) -> assertThat(context.getBean("posWebClient")).isSameAs(OwnPosWebClient.CLIENT));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnPosWebClient {

		static final WebClient CLIENT = WebClient.create();

		@Bean
		WebClient posWebClient() {
			return CLIENT;
		}

	}

}
