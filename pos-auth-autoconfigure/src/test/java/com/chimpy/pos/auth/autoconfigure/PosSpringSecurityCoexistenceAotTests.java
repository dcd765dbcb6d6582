package com.chimpy.pos.auth.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.autoconfigure.PosSpringSecurityCoexistenceTests.ReactiveManagerUser;
import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.context.reactive.GenericReactiveWebApplicationContext;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pos-auth beside Spring Security's OAuth2 client, processed ahead of time: the Spring
 * default manager that {@link SpringSecurityDefaultManagerRegistrar} registers at build
 * time is part of the generated code, the application injects it by type at run time, and
 * pos-auth's manager stays a bean of its own (the registrar runs again at run time and
 * adds nothing).
 * <p>
 * Runs in the {@code spring-security-coexistence-test} execution, with Spring Security's
 * configuration support on the classpath.
 */
@EnabledIfSystemProperty(named = "pos.spring-security", matches = "true")
@CompileWithForkedClassLoader
class PosSpringSecurityCoexistenceAotTests {

	@Test
	void generatedReactiveContextKeepsSpringSecurityDefaultManagerBesidePosAuth() {
		try (PosSandbox sandbox = PosSandboxFixture.startSandbox()) {
			// Generous waits: the generated code is compiled and loaded in this JVM,
			// which makes its first requests slow.
			String[] properties = PosSandboxFixture.properties(sandbox, "pos.auth.max-wait=30s",
					"pos.auth.request-timeout=20s", "pos.auth.read-timeout=20s", "pos.api.read-timeout=20s",
					"spring.security.oauth2.client.registration.github.client-id=shop",
					"spring.security.oauth2.client.registration.github.client-secret=shop-secret",
					"spring.security.oauth2.client.registration.github.authorization-grant-type=client_credentials",
					"spring.security.oauth2.client.provider.github.token-uri=" + sandbox.tokenUri() + "/github");
			new ReactiveWebApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(ReactiveWebSecurityAutoConfiguration.class,
						ReactiveOAuth2ClientAutoConfiguration.class,
						ReactiveOAuth2ClientWebSecurityAutoConfiguration.class, WebClientAutoConfiguration.class,
						PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class))
				.withUserConfiguration(ReactiveManagerUser.class)
				.withPropertyValues(properties)
				.prepare((prepared) -> AotProcessedContexts.processAndRun(prepared,
						PosSpringSecurityCoexistenceAotTests.class, GenericReactiveWebApplicationContext::new,
						properties, (context, hints) -> {
							assertThat(context.getBeanNamesForType(ReactiveOAuth2AuthorizedClientManager.class))
								.hasSize(2)
								.contains("posReactiveAuthorizedClientManager");
							ReactiveOAuth2AuthorizedClientManager injected = context
								.getBean(ReactiveManagerUser.class).manager;
							assertThat(injected).isInstanceOf(DefaultReactiveOAuth2AuthorizedClientManager.class)
								.isSameAs(context.getBean(ReactiveOAuth2AuthorizedClientManager.class))
								.isNotSameAs(context.getBean("posReactiveAuthorizedClientManager"));
						}));
		}
	}

}
