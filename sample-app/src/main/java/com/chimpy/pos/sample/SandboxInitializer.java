package com.chimpy.pos.sample;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the in-process PoS sandbox when no PoS is configured ({@code pos.auth.token-uri} unset), points the
 * starter at it and stops it with the application.
 */
final class SandboxInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/**
	 * Token lifetime in the sandbox: short, so that the sample shows a renewal within seconds.
	 */
	static final Duration SANDBOX_TOKEN_LIFETIME = Duration.ofSeconds(4);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (environment.containsProperty("pos.auth.token-uri")) {
			return;
		}
		PosSandbox sandbox = PosSandbox.builder().tokenLifetime(SANDBOX_TOKEN_LIFETIME).build().start();
		Map<String, Object> properties = new LinkedHashMap<>(sandbox.springProperties());
		environment.getPropertySources().addLast(new MapPropertySource("posSandbox", properties));
		context.getBeanFactory().registerSingleton("posSandbox", sandbox);
		context.addApplicationListener((event) -> {
			if (event instanceof ContextClosedEvent) {
				sandbox.close();
			}
		});
	}

}
