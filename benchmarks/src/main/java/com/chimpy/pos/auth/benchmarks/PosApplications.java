package com.chimpy.pos.auth.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Application instances with pos-auth's auto-configuration against the fake server, each
 * an application context with event loops of its own (as separate processes have), in
 * this JVM.
 */
final class PosApplications {

	private PosApplications() {
	}

	/**
	 * Start one application instance.
	 * @param server the fake server
	 * @param clientId the {@code pos.auth.client-id}, under which the server counts
	 * @param beans registers further beans before the context is refreshed
	 * @param properties further properties, as {@code name=value}
	 * @return the running context
	 */
	static ConfigurableApplicationContext start(FakePosServer server, String clientId,
			Consumer<GenericApplicationContext> beans, String... properties) {
		// Boot leaves the logging of the JVM as the other scenarios have it.
		System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
		List<String> all = new ArrayList<>(List.of("spring.main.banner-mode=off",
				"spring.data.redis.repositories.enabled=false", "pos.auth.token-uri=" + server.tokenUri(),
				"pos.auth.client-id=" + clientId, "pos.auth.username=" + FakePosServer.USERNAME,
				"pos.auth.password=" + FakePosServer.PASSWORD, "pos.auth.audience=https://pos.example.com/api",
				"pos.auth.scope=offline_access", "pos.api.base-url=" + server.apiBaseUrl()));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(Instance.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.initializers((context) -> beans.accept((GenericApplicationContext) context))
			.properties(all.toArray(String[]::new))
			.run();
	}

	/**
	 * The instance's {@code posWebClient}.
	 * @param instance the instance
	 * @return its {@code posWebClient}
	 */
	static WebClient posWebClient(ConfigurableApplicationContext instance) {
		return instance.getBean("posWebClient", WebClient.class);
	}

	/**
	 * One application instance: pos-auth's auto-configuration and event loops of its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Instance {

		// Closing one instance must not shut down Reactor Netty's global resources under
		// the others.
		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			factory.setShutdownQuietPeriod(Duration.ZERO);
			factory.setShutdownTimeout(Duration.ofSeconds(1));
			return factory;
		}

	}

}
