package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.TokenRequestFormat;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor;
import org.springframework.context.annotation.ConfigurationClassPostProcessor;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pos-auth processed ahead of time, as {@code spring-boot:process-aot} does for an
 * application and as a native image needs it: Spring's AOT engine generates the bean
 * definitions of an application context with pos-auth, a fresh context starts from the
 * generated code alone, binds pos-auth's properties as they are at run time (not as they
 * were at build time) and serves an authenticated call, and the runtime hints cover the
 * binding and the failure analyzer. One test: each test of a class with
 * {@code @CompileWithForkedClassLoader} loads every class again.
 */
@CompileWithForkedClassLoader
class PosAuthAotProcessingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(40);

	@Test
	void generatedContextBindsItsPropertiesAtRunTimeAndServesAnAuthenticatedCall() {
		try (PosSandbox sandbox = PosSandboxFixture.startSandbox()) {
			String[] buildTime = PosSandboxFixture.properties(sandbox, "pos.auth.request-format=json",
					"pos.auth.max-wait=3s");
			String[] runTime = PosSandboxFixture.properties(sandbox, "pos.auth.request-format=form",
					"pos.auth.max-wait=30s", "pos.auth.request-timeout=20s", "pos.auth.read-timeout=20s",
					"pos.api.read-timeout=20s");
			PosSandboxFixture.contextRunner()
				.withPropertyValues(buildTime)
				.prepare((prepared) -> AotProcessedContexts.processAndRun(prepared, PosAuthAotProcessingTests.class,
						GenericApplicationContext::new, runTime, (context, hints) -> {
							assertStartedFromGeneratedCode(context);
							PosAuthProperties auth = context.getBean(PosAuthProperties.class);
							assertThat(auth.getRequestFormat()).isEqualTo(TokenRequestFormat.FORM);
							assertThat(auth.getMaxWait()).isEqualTo(Duration.ofSeconds(30));

							WebClient pos = context.getBean("posWebClient", WebClient.class);
							String stores = pos.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
							OAuth2AuthorizedClient held = context.getBean(PosTokenState.class).readyAuthorizedClient();
							OAuth2AuthorizedClientManager manager = context.getBean("posAuthorizedClientManager",
									OAuth2AuthorizedClientManager.class);
							OAuth2AuthorizedClient authorized = manager.authorize(
									OAuth2AuthorizeRequest.withClientRegistrationId("pos").principal("any").build());

							assertThat(stores).contains("simulated");
							assertThat(PosSandboxFixture.apiAuthorizations(sandbox)).as("the call's bearer")
								.containsExactly("Bearer " + held.getAccessToken().getTokenValue());
							assertThat(held).as("the call's token, held by the one token state").isNotNull();
							assertThat(authorized).as("the manager is a view of the same state").isSameAs(held);
							assertThat(sandbox.tokenRequestEvents()).as("token requests, encoded as bound at run time")
								.isNotEmpty()
								.allSatisfy((event) -> assertThat(event.getRequest().getHeader("Content-Type"))
									.startsWith("application/x-www-form-urlencoded"));

							assertThat(RuntimeHintsPredicates.reflection()
								.onMethodInvocation(PosAuthProperties.class, "setTokenUri")).accepts(hints);
							assertThat(RuntimeHintsPredicates.reflection()
								.onMethodInvocation(PosAuthProperties.class, "setRequestFormat")).accepts(hints);
							assertThat(RuntimeHintsPredicates.reflection()
								.onMethodInvocation(PosApiProperties.class, "setBaseUrl")).accepts(hints);
							assertThat(RuntimeHintsPredicates.reflection()
								.onType(InvalidPosPropertyFailureAnalyzer.class)
								.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(hints);
						}));
		}
	}

	private static void assertStartedFromGeneratedCode(GenericApplicationContext context) {
		assertThat(context.getBeanNamesForType(ConfigurationClassPostProcessor.class))
			.as("no configuration class is parsed at run time")
			.isEmpty();
		assertThat(context.getBeanNamesForType(ConfigurationPropertiesBindingPostProcessor.class)).isNotEmpty();
		for (String name : new String[] { "posWebClient", "posAuthorizedClientManager",
				"posReactiveAuthorizedClientManager" }) {
			BeanDefinition definition = context.getBeanFactory().getBeanDefinition(name);
			assertThat(definition).as(name)
				.isInstanceOfSatisfying(RootBeanDefinition.class,
						(root) -> assertThat(root.getInstanceSupplier()).as("generated instance supplier of " + name)
							.isNotNull());
		}
		assertThat(context.getBeanNamesForType(PosTokenState.class)).containsExactly("posTokenState");
	}

}
