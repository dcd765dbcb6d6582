package com.chimpy.pos.auth.autoconfigure;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PosAuthRuntimeHints} with Spring Security's configuration support on the
 * classpath: the types of Spring Security's registrars are registered for reflection, so
 * that {@link SpringSecurityDefaultManagerRegistrar} finds their factory method in a
 * native image, and that method is where the registrar looks for it.
 * <p>
 * Runs in the {@code spring-security-coexistence-test} execution.
 */
@EnabledIfSystemProperty(named = "pos.spring-security", matches = "true")
class PosSpringSecurityCoexistenceRuntimeHintsTests {

	@Test
	void springSecurityRegistrarsAreRegisteredForReflection() {
		ClassLoader classLoader = getClass().getClassLoader();
		RuntimeHints hints = new RuntimeHints();
		new PosAuthRuntimeHints().registerHints(hints, classLoader);
		for (String registrar : PosAuthRuntimeHints.SPRING_REGISTRARS) {
			assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(registrar))).as(registrar)
				.accepts(hints);
			Class<?> type = ClassUtils.resolveClassName(registrar, classLoader);
			Method factoryMethod = ReflectionUtils.findMethod(type,
					SpringSecurityDefaultManagerRegistrar.SPRING_FACTORY_METHOD);
			assertThat(factoryMethod).as("the factory method on " + registrar).isNotNull();
			assertThat(factoryMethod.getReturnType().getSimpleName()).endsWith("AuthorizedClientManager");
		}
	}

}
