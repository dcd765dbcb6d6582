package com.chimpy.pos.auth.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives Spring test contexts of classes annotated with {@link EnablePosSandbox} (also on
 * an enclosing class) a {@link PosSandbox}. Registered in
 * {@code META-INF/spring.factories}.
 */
public final class PosSandboxContextCustomizerFactory implements ContextCustomizerFactory {

	/**
	 * The customizer for {@code testClass}, or {@code null} when it does not ask for a
	 * sandbox.
	 * @param testClass the test class
	 * @param configAttributes its context configuration (not used)
	 * @return the customizer or {@code null}
	 */
	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		EnablePosSandbox annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				EnablePosSandbox.class);
		if (annotation == null) {
			return null;
		}
		return new PosSandboxContextCustomizer(annotation.https(), annotation.tokenLifetimeSeconds(),
				annotation.clientSecret());
	}

}
