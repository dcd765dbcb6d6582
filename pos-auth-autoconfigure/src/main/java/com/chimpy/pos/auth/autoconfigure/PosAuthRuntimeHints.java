package com.chimpy.pos.auth.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * {@link RuntimeHintsRegistrar} for what pos-auth reads reflectively at run time, so that
 * it works in a native image. Registered in {@code META-INF/spring/aot.factories}.
 * <p>
 * {@link SpringSecurityDefaultManagerRegistrar} looks up the factory method of Spring
 * Security's authorized client manager registrars
 * ({@value SpringSecurityDefaultManagerRegistrar#SPRING_FACTORY_METHOD}); their types are
 * registered for reflection when {@code spring-security-config} is on the classpath.
 * Nothing else needs a hint: Spring Boot registers the binding of pos-auth's
 * {@code @ConfigurationProperties}, Spring Framework the constructors of the
 * {@code META-INF/spring.factories} entries (the failure analyzer), and Jackson reads
 * token responses into a {@code LinkedHashMap}, without reflection on pos-auth's types.
 */
final class PosAuthRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * Spring Security's registrar of the default {@code OAuth2AuthorizedClientManager}.
	 */
	static final String SERVLET_REGISTRAR = "org.springframework.security.config.annotation.web.configuration."
			+ "OAuth2ClientConfiguration$OAuth2AuthorizedClientManagerRegistrar";

	/**
	 * Spring Security's registrar of the default
	 * {@code ReactiveOAuth2AuthorizedClientManager}.
	 */
	static final String REACTIVE_REGISTRAR = "org.springframework.security.config.annotation.web.reactive."
			+ "ReactiveOAuth2ClientConfiguration$ReactiveOAuth2AuthorizedClientManagerRegistrar";

	/**
	 * The registrars whose methods {@link SpringSecurityDefaultManagerRegistrar}
	 * introspects.
	 */
	static final List<String> SPRING_REGISTRARS = List.of(SERVLET_REGISTRAR, REACTIVE_REGISTRAR);

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		// Since Spring Framework 7, a type registered for reflection can be introspected:
		// its declared methods
		// can be listed and looked up, which is what ReflectionUtils.findMethod does.
		for (String registrar : SPRING_REGISTRARS) {
			hints.reflection().registerTypeIfPresent(classLoader, registrar);
		}
	}

}
