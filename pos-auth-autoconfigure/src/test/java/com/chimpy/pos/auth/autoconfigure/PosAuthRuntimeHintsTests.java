package com.chimpy.pos.auth.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.boot.test.context.FilteredClassLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PosAuthRuntimeHints} without Spring Security's configuration support, as in the
 * tests of this execution: registered for AOT processing, and silent about classes that
 * are absent. With it present, {@code PosSpringSecurityCoexistenceAotTests} checks the
 * hints.
 */
class PosAuthRuntimeHintsTests {

	@Test
	void registeredInAotFactories() {
		assertThat(AotServices.factories(getClass().getClassLoader()).load(RuntimeHintsRegistrar.class).asList())
			.hasAtLeastOneElementOfType(PosAuthRuntimeHints.class);
	}

	@Test
	void noHintsWithoutSpringSecurityConfig() {
		RuntimeHints hints = new RuntimeHints();
		new PosAuthRuntimeHints().registerHints(hints, new FilteredClassLoader("org.springframework.security.config."));
		assertThat(hints.reflection().typeHints()).isEmpty();
	}

}
