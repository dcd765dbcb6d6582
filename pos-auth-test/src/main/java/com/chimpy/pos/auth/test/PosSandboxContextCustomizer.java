package com.chimpy.pos.auth.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts a {@link PosSandbox} for one application context, exposes its properties and the sandbox itself,
 * and stops it with the context. Two customizers with the same settings are equal, so that Spring's test
 * context cache reuses the context.
 */
final class PosSandboxContextCustomizer implements ContextCustomizer {

	/** The name of the sandbox bean and of its property source. */
	static final String BEAN_NAME = "posSandbox";

	/** Property sources of the test itself that stay above the sandbox's. */
	private static final List<String> TEST_PROPERTY_SOURCES = List.of("Inlined Test Properties",
			"Dynamic Test Properties");

	private final boolean https;

	private final long tokenLifetimeSeconds;

	private final String clientSecret;

	PosSandboxContextCustomizer(boolean https, long tokenLifetimeSeconds, String clientSecret) {
		if (tokenLifetimeSeconds < 1) {
			throw new IllegalArgumentException(
					"@EnablePosSandbox(tokenLifetimeSeconds) must be positive, was " + tokenLifetimeSeconds);
		}
		this.https = https;
		this.tokenLifetimeSeconds = tokenLifetimeSeconds;
		this.clientSecret = (clientSecret != null) ? clientSecret : "";
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		PosSandbox.Builder builder = PosSandbox.builder().https(this.https)
				.tokenLifetime(Duration.ofSeconds(this.tokenLifetimeSeconds));
		if (!this.clientSecret.isEmpty()) {
			builder.clientSecret(this.clientSecret);
		}
		PosSandbox sandbox = builder.build().start();
		try {
			addPropertySource(context.getEnvironment().getPropertySources(), sandbox.springProperties());
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			beanFactory.registerSingleton(BEAN_NAME, sandbox);
			if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
				registry.registerDisposableBean(BEAN_NAME, sandbox::close);
			}
			else {
				context.addApplicationListener(new CloseOnContextClosed(context, sandbox));
			}
		}
		catch (RuntimeException ex) {
			sandbox.close();
			throw ex;
		}
	}

	private static void addPropertySource(MutablePropertySources sources, Map<String, String> properties) {
		PropertySource<?> source = new MapPropertySource(BEAN_NAME, Map.copyOf(properties));
		String lowestTestSource = null;
		for (PropertySource<?> existing : sources) {
			if (TEST_PROPERTY_SOURCES.contains(existing.getName())) {
				lowestTestSource = existing.getName();
			}
		}
		if (lowestTestSource != null) {
			sources.addAfter(lowestTestSource, source);
		}
		else {
			sources.addFirst(source);
		}
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (other == null || getClass() != other.getClass()) {
			return false;
		}
		PosSandboxContextCustomizer that = (PosSandboxContextCustomizer) other;
		return this.https == that.https && this.tokenLifetimeSeconds == that.tokenLifetimeSeconds
				&& this.clientSecret.equals(that.clientSecret);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.https, this.tokenLifetimeSeconds, this.clientSecret);
	}

	@Override
	public String toString() {
		return "PosSandboxContextCustomizer[https=" + this.https + ", tokenLifetimeSeconds="
				+ this.tokenLifetimeSeconds + ", clientSecret=" + (this.clientSecret.isEmpty() ? "<none>" : "<set>")
				+ "]";
	}

	/** Stops the sandbox when its own context (not a child's) closes. */
	private static final class CloseOnContextClosed implements ApplicationListener<ContextClosedEvent> {

		private final ConfigurableApplicationContext context;

		private final PosSandbox sandbox;

		CloseOnContextClosed(ConfigurableApplicationContext context, PosSandbox sandbox) {
			this.context = context;
			this.sandbox = sandbox;
		}

		@Override
		public void onApplicationEvent(ContextClosedEvent event) {
			if (event.getApplicationContext() == this.context) {
				this.sandbox.close();
			}
		}
	}
}
