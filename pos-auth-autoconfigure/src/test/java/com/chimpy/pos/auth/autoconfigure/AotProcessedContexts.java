package com.chimpy.pos.auth.autoconfigure;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

/**
 * Runs Spring's AOT engine over an application context that a context runner prepared,
 * and starts the result the way an AOT-processed application (and a native image) starts:
 * the generated sources are compiled, a fresh context gets its bean definitions from the
 * generated initializer alone (no configuration class is parsed, no condition evaluated)
 * and is refreshed.
 * <p>
 * Tests that use it are annotated with {@code @CompileWithForkedClassLoader}: the
 * generated code calls package-private constructors and bean methods of the
 * auto-configurations, so it must be defined in their class loader.
 */
final class AotProcessedContexts {

	private AotProcessedContexts() {
	}

	/**
	 * Process the prepared context ahead of time, start a fresh context from what was
	 * generated, hand it to the assertions and close it.
	 * @param <C> the type of the fresh context
	 * @param prepared the context a runner prepared ({@code runner.prepare(...)}), not
	 * refreshed
	 * @param target the class the generated initializer is named after
	 * @param runtimeContext creates the fresh context
	 * @param properties the {@code name=value} properties of the fresh context's
	 * environment: configuration properties are bound at run time, as in an application
	 * @param assertions called with the refreshed fresh context and the runtime hints AOT
	 * processing registered
	 */
	static <C extends GenericApplicationContext> void processAndRun(ApplicationContextAssertProvider<?> prepared,
			Class<?> target, Supplier<C> runtimeContext, String[] properties, BiConsumer<C, RuntimeHints> assertions) {
		GenericApplicationContext source = (GenericApplicationContext) prepared.getSourceApplicationContext();
		TestGenerationContext generationContext = new TestGenerationContext(target);
		ClassName initializerName = new ApplicationContextAotGenerator().processAheadOfTime(source, generationContext);
		generationContext.writeGeneratedContent();
		TestCompiler.forSystem().with(generationContext).compile((compiled) -> {
			try (C context = runtimeContext.get()) {
				TestPropertyValues.of(properties).applyTo(context);
				@SuppressWarnings("unchecked")
				ApplicationContextInitializer<GenericApplicationContext> initializer = compiled
					.getInstance(ApplicationContextInitializer.class, initializerName.toString());
				initializer.initialize(context);
				context.refresh();
				assertions.accept(context, generationContext.getRuntimeHints());
			}
		});
	}

}
