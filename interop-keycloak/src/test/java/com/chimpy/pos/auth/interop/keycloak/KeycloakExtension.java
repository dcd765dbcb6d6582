package com.chimpy.pos.auth.interop.keycloak;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link KeycloakServer} for all test classes of a JVM that use this
 * extension, and stops it (its whole process tree) when the test run ends, whatever the
 * outcome. Test and lifecycle methods get it as a parameter. A failed start fails every
 * test class that needs it with the same error, at once: neither a missing JDK 21+ nor a
 * server that does not come up is ever a skip.
 */
final class KeycloakExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(KeycloakExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		server(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == KeycloakServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server(extensionContext);
	}

	private static KeycloakServer server(ExtensionContext context) {
		return context.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(Startup.class, (key) -> Startup.attempt(), Startup.class)
			.server();
	}

	/**
	 * The outcome of the one start: the server, closed by JUnit with the root context's
	 * store, or the failure.
	 */
	private record Startup(KeycloakServer started, RuntimeException failure) implements AutoCloseable {

		static Startup attempt() {
			try {
				return new Startup(KeycloakServer.startFromBuild(), null);
			}
			catch (RuntimeException ex) {
				return new Startup(null, ex);
			}
		}

		KeycloakServer server() {
			if (this.failure != null) {
				throw new IllegalStateException("Keycloak is not available: " + this.failure.getMessage(),
						this.failure);
			}
			return this.started;
		}

		@Override
		public void close() {
			if (this.started != null) {
				this.started.close();
			}
		}

	}

}
