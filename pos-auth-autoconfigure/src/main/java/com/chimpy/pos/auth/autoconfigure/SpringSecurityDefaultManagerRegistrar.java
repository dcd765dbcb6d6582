package com.chimpy.pos.auth.autoconfigure;

import java.lang.reflect.Method;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.util.ReflectionUtils;

/**
 * Registers Spring Security's default authorized client manager in an application where
 * pos-auth's managers would keep Spring Security from registering it.
 * <p>
 * Spring Security's OAuth2 client configuration (imported by {@code @EnableWebSecurity}
 * and {@code @EnableWebFluxSecurity}) has a bean definition registry post-processor, the
 * bean {@value #SPRING_REGISTRAR}, that registers a default
 * {@link OAuth2AuthorizedClientManager} (servlet) or
 * {@link ReactiveOAuth2AuthorizedClientManager} (reactive) for the application's client
 * registrations. It does so only when {@code getBeanNamesForType} finds no bean of the
 * manager type at all, default candidate or not, and when the application has exactly one
 * client registration repository and one authorized client repository (for reactive
 * applications, or one authorized client service). pos-auth's
 * {@code posAuthorizedClientManager} and {@code posReactiveAuthorizedClientManager} are
 * beans of those types, so Spring would step aside, and an application that injects the
 * manager by type would find none.
 * <p>
 * This post-processor runs after all bean definitions are known. When every bean of the
 * manager type is a non-default candidate and Spring's other conditions hold, it
 * registers the bean definition Spring itself would have registered: the same name and
 * the same factory method on Spring's registrar, so the manager is the one Spring builds,
 * with the application's authorized client providers, access token response clients and
 * {@code Consumer<DefaultOAuth2AuthorizedClientManager>}. It does nothing when the
 * application has a manager bean that is a default candidate (its own, or Spring's
 * already registered), when Spring's registrar is absent, or when the registrar no longer
 * has the factory method this class knows.
 */
final class SpringSecurityDefaultManagerRegistrar implements BeanDefinitionRegistryPostProcessor {

	/**
	 * A class of {@code spring-security-config}, where Spring Security's registrars live.
	 */
	static final String SPRING_SECURITY_CONFIG = "org.springframework.security.config.annotation.web.configuration.EnableWebSecurity";

	/** Name of Spring Security's registrar bean, servlet and reactive alike. */
	static final String SPRING_REGISTRAR = "authorizedClientManagerRegistrar";

	/** Name of the registrar's method that builds the default manager. */
	static final String SPRING_FACTORY_METHOD = "getAuthorizedClientManager";

	private static final Log logger = LogFactory.getLog(SpringSecurityDefaultManagerRegistrar.class);

	private final AnnotationBeanNameGenerator beanNameGenerator = new AnnotationBeanNameGenerator();

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)
				|| !registry.containsBeanDefinition(SPRING_REGISTRAR)) {
			return;
		}
		Class<?> managerType = managerType(beanFactory);
		if (managerType == null || !onlyNonDefaultCandidates(beanFactory, managerType)
				|| !repositoriesAsSpringRequires(beanFactory, managerType)) {
			return;
		}
		BeanDefinition definition = BeanDefinitionBuilder.rootBeanDefinition(managerType)
			.setFactoryMethodOnBean(SPRING_FACTORY_METHOD, SPRING_REGISTRAR)
			.getBeanDefinition();
		String name = this.beanNameGenerator.generateBeanName(definition, registry);
		registry.registerBeanDefinition(name, definition);
		if (logger.isDebugEnabled()) {
			logger.debug("Registered Spring Security's default " + managerType.getSimpleName() + " as '" + name
					+ "' beside pos-auth's managers, which are not default candidates");
		}
	}

	/**
	 * The manager type that Spring's registrar builds, from the return type of its
	 * factory method.
	 * @param beanFactory the bean factory
	 * @return {@link OAuth2AuthorizedClientManager},
	 * {@link ReactiveOAuth2AuthorizedClientManager}, or {@code null} when the registrar
	 * is not one this class knows
	 */
	private static @Nullable Class<?> managerType(ConfigurableListableBeanFactory beanFactory) {
		Class<?> registrarType = beanFactory.getType(SPRING_REGISTRAR, false);
		if (registrarType == null) {
			return null;
		}
		Method factoryMethod = ReflectionUtils.findMethod(registrarType, SPRING_FACTORY_METHOD);
		if (factoryMethod == null) {
			return null;
		}
		Class<?> returnType = factoryMethod.getReturnType();
		if (returnType == OAuth2AuthorizedClientManager.class
				|| returnType == ReactiveOAuth2AuthorizedClientManager.class) {
			return returnType;
		}
		return null;
	}

	/**
	 * Whether there are beans of the manager type and none of them is injected by type.
	 * Without any, Spring's registrar registers its manager itself; with a default
	 * candidate, the application has its manager.
	 * @param beanFactory the bean factory
	 * @param managerType the manager type
	 * @return whether there are beans of the manager type and none of them is injected by
	 * type
	 */
	private static boolean onlyNonDefaultCandidates(ConfigurableListableBeanFactory beanFactory, Class<?> managerType) {
		String[] names = beanNames(beanFactory, managerType);
		if (names.length == 0) {
			return false;
		}
		for (String name : names) {
			if (isDefaultCandidate(beanFactory, name)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isDefaultCandidate(ConfigurableListableBeanFactory beanFactory, String name) {
		try {
			BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
			return definition.isAutowireCandidate()
					&& (!(definition instanceof AbstractBeanDefinition abstractDefinition)
							|| abstractDefinition.isDefaultCandidate());
		}
		catch (NoSuchBeanDefinitionException ex) {
			// a singleton registered without a definition is injected by type
			return true;
		}
	}

	/**
	 * Spring's own conditions on the repositories, as its registrars check them.
	 * @param beanFactory the bean factory
	 * @param managerType the manager type
	 * @return whether the repositories meet Spring's own conditions
	 */
	private static boolean repositoriesAsSpringRequires(ConfigurableListableBeanFactory beanFactory,
			Class<?> managerType) {
		if (managerType == OAuth2AuthorizedClientManager.class) {
			return beanNames(beanFactory, ClientRegistrationRepository.class).length == 1
					&& beanNames(beanFactory, OAuth2AuthorizedClientRepository.class).length == 1;
		}
		return beanNames(beanFactory, ReactiveClientRegistrationRepository.class).length == 1
				&& (beanNames(beanFactory, ServerOAuth2AuthorizedClientRepository.class).length == 1
						|| beanNames(beanFactory, ReactiveOAuth2AuthorizedClientService.class).length == 1);
	}

	private static String[] beanNames(ConfigurableListableBeanFactory beanFactory, Class<?> type) {
		return BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beanFactory, type, true, true);
	}

}
