package com.chimpy.pos.sample;

import java.time.Duration;

import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxPropertySource;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Points the starter at the in-process PoS sandbox when no PoS is configured
 * ({@code pos.auth.token-uri} unset) and stops the sandbox with the application.
 * <p>
 * The sandbox starts when the starter first reads its properties, while the application
 * context is refreshed. AOT processing ({@code spring-boot:process-aot}, profile
 * {@code native}) runs this initializer too, but only evaluates the application's
 * conditions: there the sandbox's properties are present, so pos-auth's beans are
 * generated, and the sandbox never starts, so no server keeps the processing JVM alive.
 */
final class SandboxInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/**
	 * Token lifetime in the sandbox: short, so that the sample shows a renewal within
	 * seconds.
	 */
	static final Duration SANDBOX_TOKEN_LIFETIME = Duration.ofSeconds(4);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (environment.containsProperty("pos.auth.token-uri")) {
			return;
		}
		PosSandbox sandbox = PosSandbox.builder()
			.user(PosSandbox.DEFAULT_USERNAME, PosSandbox.DEFAULT_PASSWORD)
			.users("merchant", 2)
			.tokenLifetime(SANDBOX_TOKEN_LIFETIME)
			.build();
		environment.getPropertySources().addLast(new PosSandboxPropertySource(sandbox));
		context.getBeanFactory().registerSingleton("posSandbox", sandbox);
		context.addApplicationListener((event) -> {
			if (event instanceof ContextClosedEvent) {
				sandbox.close();
			}
		});
	}

}
