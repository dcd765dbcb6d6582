package com.chimpy.pos.auth.test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Gives one application context a {@link PosSandbox}: its properties (a
 * {@link PosSandboxPropertySource}) and the sandbox itself as a bean. The sandbox starts
 * when a property is first read, at the latest when the context is refreshed, never
 * during AOT processing, and it stops with the context. Two customizers with the same
 * settings are equal, so that Spring's test context cache reuses the context.
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
		PosSandbox.Builder builder = PosSandbox.builder()
			.https(this.https)
			.tokenLifetime(Duration.ofSeconds(this.tokenLifetimeSeconds));
		if (!this.clientSecret.isEmpty()) {
			builder.clientSecret(this.clientSecret);
		}
		PosSandbox sandbox = builder.build();
		addPropertySource(context.getEnvironment().getPropertySources(),
				new PosSandboxPropertySource(BEAN_NAME, sandbox));
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		beanFactory.registerSingleton(BEAN_NAME, sandbox);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(BEAN_NAME, sandbox::close);
		}
		else {
			context.addApplicationListener(new CloseOnContextClosed(context, sandbox));
		}
		context.addApplicationListener(new StartOnContextRefreshed(context, sandbox));
	}

	private static void addPropertySource(MutablePropertySources sources, PropertySource<?> source) {
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
		return "PosSandboxContextCustomizer[https=" + this.https + ", tokenLifetimeSeconds=" + this.tokenLifetimeSeconds
				+ ", clientSecret=" + (this.clientSecret.isEmpty() ? "<none>" : "<set>") + "]";
	}

	/**
	 * Starts the sandbox once its own context is refreshed, if reading a property has not
	 * started it before, so that tests always find it running. AOT processing never gets
	 * there: it only prepares the context.
	 */
	private static final class StartOnContextRefreshed implements ApplicationListener<ContextRefreshedEvent> {

		private final ConfigurableApplicationContext context;

		private final PosSandbox sandbox;

		StartOnContextRefreshed(ConfigurableApplicationContext context, PosSandbox sandbox) {
			this.context = context;
			this.sandbox = sandbox;
		}

		@Override
		public void onApplicationEvent(ContextRefreshedEvent event) {
			if (event.getApplicationContext() == this.context) {
				this.sandbox.start();
			}
		}

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
