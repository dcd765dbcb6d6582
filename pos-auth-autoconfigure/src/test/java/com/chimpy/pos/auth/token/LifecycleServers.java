package com.chimpy.pos.auth.token;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.Assert;

/**
 * The token server and the PoS API of the lifecycle tests, started before each test and
 * stopped after it (both on 127.0.0.1, dynamic ports). A test class registers it as a
 * field: <pre>
 * &#64;RegisterExtension
 * final LifecycleServers servers = new LifecycleServers();
 * </pre> The API answers every call with {@link LifecycleFixture#okApiServer()}'s stub.
 */
final class LifecycleServers implements BeforeEachCallback, AfterEachCallback {

	private @Nullable TokenServer tokens;

	private @Nullable WireMockServer api;

	@Override
	public void beforeEach(ExtensionContext context) {
		this.tokens = new TokenServer();
		this.api = LifecycleFixture.okApiServer();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		try {
			if (this.tokens != null) {
				this.tokens.close();
			}
		}
		finally {
			if (this.api != null) {
				this.api.stop();
			}
			this.tokens = null;
			this.api = null;
		}
	}

	/**
	 * The token endpoint of the running test.
	 * @return the token server
	 */
	TokenServer tokens() {
		Assert.state(this.tokens != null, "The servers run only during a test");
		return this.tokens;
	}

	/**
	 * The PoS API of the running test.
	 * @return the API server
	 */
	WireMockServer api() {
		Assert.state(this.api != null, "The servers run only during a test");
		return this.api;
	}

	/**
	 * A context runner with the pos-auth auto-configuration pointed at both servers.
	 * @return the context runner
	 * @see LifecycleFixture#contextRunner(TokenServer, WireMockServer)
	 */
	ApplicationContextRunner contextRunner() {
		return LifecycleFixture.contextRunner(tokens(), api());
	}

}
