package com.chimpy.pos.auth.test;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = EnablePosSandboxTests.EmptyConfiguration.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "pos.auth.scope=openid offline_access")
@EnablePosSandbox(tokenLifetimeSeconds = 120)
class EnablePosSandboxTests {

	@Autowired
	PosSandbox sandbox;

	@Autowired
	Environment environment;

	@Autowired
	ApplicationContext context;

	@Test
	void sandboxIsARunningBean() {
		assertThat(this.sandbox.isRunning()).isTrue();
		assertThat(this.context.getBean("posSandbox")).isSameAs(this.sandbox);
		assertThat(this.sandbox.tokenLifetime()).hasSeconds(120);
	}

	@Test
	void environmentCarriesTheSandboxProperties() {
		assertThat(this.environment.getProperty("pos.auth.token-uri")).isEqualTo(this.sandbox.tokenUri());
		assertThat(this.environment.getProperty("pos.api.base-url")).isEqualTo(this.sandbox.apiBaseUrl());
		assertThat(this.environment.getProperty("pos.auth.client-id")).isEqualTo(PosSandbox.DEFAULT_CLIENT_ID);
		assertThat(this.environment.getProperty("pos.auth.audience")).isEqualTo(PosSandbox.DEFAULT_AUDIENCE);
		assertThat(this.environment.getProperty("pos.auth.username")).isEqualTo(PosSandbox.DEFAULT_USERNAME);
		assertThat(this.environment.getProperty("pos.auth.password")).isEqualTo(PosSandbox.DEFAULT_PASSWORD);
		assertThat(this.environment.containsProperty("pos.auth.client-secret")).isFalse();
		assertThat(this.environment.containsProperty("pos.auth.ssl-bundle")).isFalse();
	}

	@Test
	void inlinedTestPropertiesStillWin() {
		assertThat(this.environment.getProperty("pos.auth.scope")).isEqualTo("openid offline_access");
	}

	@Test
	void sandboxAnswersTokenRequests() {
		SandboxRequests requests = new SandboxRequests(this.sandbox);

		assertThat(requests.loginDemo().get("expires_in")).isEqualTo("120");
	}

	@Nested
	class NestedTests {

		@Autowired
		PosSandbox nestedSandbox;

		@Test
		void nestedClassesShareTheContextAndTheSandbox() {
			assertThat(this.nestedSandbox).isSameAs(EnablePosSandboxTests.this.sandbox);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
