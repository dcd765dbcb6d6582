package com.chimpy.pos.auth.test;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit Jupiter extension that runs a {@link PosSandbox} for a test class.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static PosSandboxExtension sandbox = new PosSandboxExtension(PosSandbox.builder().maxFailedLogins(3));
 * </pre>
 *
 * <p>
 * Registered on a static field, it starts the sandbox before all tests and closes it
 * after all; registered on an instance field, it starts before each test and closes after
 * it (nested classes share the sandbox of the class that registered it). Before each test
 * it clears the request journal and the injected faults (issued tokens, blocked users and
 * the token lifetime stay). Test and lifecycle methods can also take a {@link PosSandbox}
 * parameter.
 */
public final class PosSandboxExtension
		implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {

	private final PosSandbox sandbox;

	private volatile @Nullable String ownerId;

	/** An extension with a sandbox of default settings. */
	public PosSandboxExtension() {
		this(PosSandbox.builder());
	}

	/**
	 * An extension with the sandbox the builder describes.
	 * @param builder the sandbox settings
	 */
	public PosSandboxExtension(PosSandbox.Builder builder) {
		this.sandbox = Objects.requireNonNull(builder, "builder must not be null").build();
	}

	/**
	 * The sandbox; started once the extension's before-all (or before-each) callback ran.
	 * @return the sandbox
	 */
	public PosSandbox sandbox() {
		return this.sandbox;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.sandbox.start();
		if (this.ownerId == null) {
			this.ownerId = context.getUniqueId();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.sandbox.start();
		this.sandbox.resetJournal();
		this.sandbox.clearFaults();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		boolean perMethod = context.getTestInstanceLifecycle().orElse(Lifecycle.PER_METHOD) == Lifecycle.PER_METHOD;
		if (this.ownerId == null && perMethod) {
			this.sandbox.close();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (context.getUniqueId().equals(this.ownerId)) {
			this.sandbox.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == PosSandbox.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return this.sandbox.start();
	}

	@Override
	public String toString() {
		return "PosSandboxExtension[" + this.sandbox + "]";
	}

}
