package com.chimpy.pos.auth.test;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * The {@link PosSandbox#springProperties() Spring properties} of a sandbox as a property
 * source that starts the sandbox when one of its values is first read. Added to an
 * application's environment, it makes the sandbox run from the moment the application
 * needs it (when pos-auth binds its properties), not before.
 *
 * <pre>{@code
 * PosSandbox sandbox = PosSandbox.builder().build();
 * context.getEnvironment().getPropertySources().addLast(new PosSandboxPropertySource(sandbox));
 * context.getBeanFactory().registerSingleton("posSandbox", sandbox);
 * // and close the sandbox when the context closes
 * }</pre>
 *
 * <p>
 * Its property names are known before the sandbox starts. During Spring's AOT processing
 * (the build step that evaluates an application's conditions ahead of time, for example
 * {@code spring-boot:process-aot}) it never starts the sandbox: a build must not leave a
 * server running, and the processing JVM would not end while one does. Values read then
 * have the same names and settings, with URLs on port 0, where nothing listens; the
 * AOT-processed application reads the real values when it runs.
 */
public final class PosSandboxPropertySource extends EnumerablePropertySource<PosSandbox> {

	/**
	 * The default name of the property source, also the name of the sandbox bean by
	 * convention.
	 */
	public static final String NAME = "posSandbox";

	private final String[] names;

	private volatile @Nullable Map<String, String> values;

	/**
	 * A property source named {@value #NAME} for the sandbox.
	 * @param sandbox the sandbox, started or not
	 */
	public PosSandboxPropertySource(PosSandbox sandbox) {
		this(NAME, sandbox);
	}

	/**
	 * A property source with the given name for the sandbox.
	 * @param name the name of the property source
	 * @param sandbox the sandbox, started or not
	 */
	public PosSandboxPropertySource(String name, PosSandbox sandbox) {
		super(Objects.requireNonNull(name, "name must not be null"),
				Objects.requireNonNull(sandbox, "sandbox must not be null"));
		this.names = sandbox.springPropertiesBeforeStart().keySet().toArray(String[]::new);
	}

	@Override
	public String[] getPropertyNames() {
		return this.names.clone();
	}

	@Override
	public boolean containsProperty(String name) {
		for (String candidate : this.names) {
			if (candidate.equals(name)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public @Nullable Object getProperty(String name) {
		if (!containsProperty(name)) {
			return null;
		}
		if (aotProcessing()) {
			return this.source.springPropertiesBeforeStart().get(name);
		}
		return startedValues().get(name);
	}

	private Map<String, String> startedValues() {
		Map<String, String> values = this.values;
		if (values == null) {
			values = this.source.start().springProperties();
			this.values = values;
		}
		return values;
	}

	private static boolean aotProcessing() {
		return Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING);
	}

	@Override
	public String toString() {
		return "PosSandboxPropertySource[name=" + getName() + ", " + this.source + "]";
	}

}
