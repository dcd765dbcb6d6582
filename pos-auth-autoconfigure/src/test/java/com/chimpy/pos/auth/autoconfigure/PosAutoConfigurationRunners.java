package com.chimpy.pos.auth.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The properties and runners that the per-auto-configuration tests share: the required
 * {@code pos.*} properties pointing at loopback addresses nothing listens on (no test
 * here sends a request).
 */
final class PosAutoConfigurationRunners {

	static final String[] REQUIRED = { "pos.auth.token-uri=http://127.0.0.1:9/oauth/token",
			"pos.auth.client-id=pos-client", "pos.auth.username=till-1", "pos.auth.password=pw-1",
			"pos.api.base-url=http://127.0.0.1:9/api/v2" };

	private PosAutoConfigurationRunners() {
	}

	/**
	 * A runner with {@link PosAuthAutoConfiguration} and the given auto-configurations.
	 * @param more the auto-configuration classes under test and what they build on
	 * @return the runner
	 */
	static ApplicationContextRunner runner(Class<?>... more) {
		Class<?>[] classes = new Class<?>[more.length + 1];
		classes[0] = PosAuthAutoConfiguration.class;
		System.arraycopy(more, 0, classes, 1, more.length);
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(classes));
	}

}
