package com.chimpy.pos.auth.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.UnsatisfiedDependencyException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How pos-auth's beans of common types ({@code posWebClient}, {@code posRestClient},
 * {@code posAuthorizedClientManager}, {@code posReactiveAuthorizedClientManager}) and the
 * application's own beans of the same types are injected: the application's beans by
 * type, as before the starter was added, and pos-auth's by {@code @Qualifier} only.
 * Injection points ({@code @Autowired}, constructor parameters, an injected
 * {@link ObjectProvider}) honour {@code @Bean(defaultCandidate = false)}, a parameter
 * name alone does not select the bean; lookups by type on the bean factory itself
 * ({@code getBean(Class)}, {@code getBeanProvider(Class)}, {@code getBeansOfType}) still
 * find pos-auth's bean when it is the only one.
 */
class PosBeanInjectionTests {

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class,
				PosRestClientAutoConfiguration.class))
		.withPropertyValues(PosSandboxFixture.properties(sandbox()));

	@Test
	void applicationWebClientIsInjectedByType() {
		this.runner.withUserConfiguration(OwnBeans.class, WebClientByType.class).run((context) -> {
			assertThat(context).hasNotFailed().hasBean("posWebClient");
			Object own = context.getBean("ownWebClient");
			assertThat(context.getBean(WebClientByType.class).client).isSameAs(own);
			assertThat(context.getBean(WebClient.class)).isSameAs(own);
		});
	}

	@Test
	void posWebClientIsInjectedByQualifier() {
		this.runner.withUserConfiguration(OwnBeans.class, WebClientByQualifier.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WebClientByQualifier.class).client).isSameAs(context.getBean("posWebClient"))
				.isNotSameAs(context.getBean("ownWebClient"));
		});
	}

	@Test
	void parameterNamedPosWebClientWithoutQualifierGetsTheApplicationWebClient() {
		this.runner.withUserConfiguration(OwnBeans.class, WebClientByParameterName.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WebClientByParameterName.class).client)
				.isSameAs(context.getBean("ownWebClient"));
		});
	}

	@Test
	void parameterNamedPosWebClientWithoutQualifierIsNotInjectedWhenPosWebClientIsTheOnlyOne() {
		this.runner.withUserConfiguration(WebClientByParameterName.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(UnsatisfiedDependencyException.class)
				.rootCause()
				.isInstanceOf(NoSuchBeanDefinitionException.class));
	}

	@Test
	void webClientByTypeIsNotInjectedWhenPosWebClientIsTheOnlyOne() {
		this.runner.withUserConfiguration(WebClientByType.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(UnsatisfiedDependencyException.class)
				.rootCause()
				.isInstanceOf(NoSuchBeanDefinitionException.class));
	}

	@Test
	void injectedObjectProviderOfWebClientIsEmptyWhenPosWebClientIsTheOnlyOne() {
		this.runner.withUserConfiguration(WebClientProvider.class).run((context) -> {
			ObjectProvider<WebClient> provider = context.getBean(WebClientProvider.class).clients;
			assertThat(provider.getIfAvailable()).isNull();
			assertThat(provider.getIfUnique()).isNull();
			assertThat(provider.stream()).isEmpty();
		});
	}

	@Test
	void lookupsByTypeOnTheBeanFactoryFindPosWebClientWhenItIsTheOnlyOne() {
		this.runner.run((context) -> {
			Object posWebClient = context.getBean("posWebClient");
			assertThat(context.getBean(WebClient.class)).isSameAs(posWebClient);
			assertThat(context.getBeanProvider(WebClient.class).getIfAvailable()).isSameAs(posWebClient);
			assertThat(context.getBeansOfType(WebClient.class)).containsOnlyKeys("posWebClient");
		});
	}

	@Test
	void applicationRestClientIsInjectedByType() {
		this.runner.withUserConfiguration(OwnBeans.class, RestClientByType.class).run((context) -> {
			assertThat(context).hasNotFailed().hasBean("posRestClient");
			Object own = context.getBean("ownRestClient");
			assertThat(context.getBean(RestClientByType.class).client).isSameAs(own);
			assertThat(context.getBean(RestClient.class)).isSameAs(own);
		});
	}

	@Test
	void posRestClientIsInjectedByQualifier() {
		this.runner.withUserConfiguration(OwnBeans.class, RestClientByQualifier.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RestClientByQualifier.class).client).isSameAs(context.getBean("posRestClient"))
				.isNotSameAs(context.getBean("ownRestClient"));
		});
	}

	@Test
	void applicationAuthorizedClientManagerIsInjectedByType() {
		this.runner.withUserConfiguration(OwnBeans.class, ManagerByType.class).run((context) -> {
			assertThat(context).hasNotFailed().hasBean("posAuthorizedClientManager");
			Object own = context.getBean("ownAuthorizedClientManager");
			assertThat(context.getBean(ManagerByType.class).manager).isSameAs(own);
			assertThat(context.getBean(OAuth2AuthorizedClientManager.class)).isSameAs(own);
		});
	}

	@Test
	void posAuthorizedClientManagerIsInjectedByQualifier() {
		this.runner.withUserConfiguration(OwnBeans.class, ManagerByQualifier.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ManagerByQualifier.class).manager)
				.isSameAs(context.getBean("posAuthorizedClientManager"))
				.isNotSameAs(context.getBean("ownAuthorizedClientManager"));
		});
	}

	@Test
	void applicationReactiveAuthorizedClientManagerIsInjectedByType() {
		this.runner.withUserConfiguration(OwnBeans.class, ReactiveManagerByType.class).run((context) -> {
			assertThat(context).hasNotFailed().hasBean("posReactiveAuthorizedClientManager");
			Object own = context.getBean("ownReactiveAuthorizedClientManager");
			assertThat(context.getBean(ReactiveManagerByType.class).manager).isSameAs(own);
			assertThat(context.getBean(ReactiveOAuth2AuthorizedClientManager.class)).isSameAs(own);
		});
	}

	@Test
	void posReactiveAuthorizedClientManagerIsInjectedByQualifier() {
		this.runner.withUserConfiguration(OwnBeans.class, ReactiveManagerByQualifier.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ReactiveManagerByQualifier.class).manager)
				.isSameAs(context.getBean("posReactiveAuthorizedClientManager"))
				.isNotSameAs(context.getBean("ownReactiveAuthorizedClientManager"));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		@Bean
		WebClient ownWebClient() {
			return WebClient.create("https://own.example.com");
		}

		@Bean
		RestClient ownRestClient() {
			return RestClient.create("https://own.example.com");
		}

		@Bean
		OAuth2AuthorizedClientManager ownAuthorizedClientManager() {
			return (request) -> null;
		}

		@Bean
		ReactiveOAuth2AuthorizedClientManager ownReactiveAuthorizedClientManager() {
			return (request) -> Mono.empty();
		}

	}

	static class WebClientByType {

		final WebClient client;

		WebClientByType(WebClient client) {
			this.client = client;
		}

	}

	static class WebClientByQualifier {

		final WebClient client;

		WebClientByQualifier(@Qualifier("posWebClient") WebClient client) {
			this.client = client;
		}

	}

	static class WebClientByParameterName {

		final WebClient client;

		WebClientByParameterName(WebClient posWebClient) {
			this.client = posWebClient;
		}

	}

	static class WebClientProvider {

		final ObjectProvider<WebClient> clients;

		WebClientProvider(ObjectProvider<WebClient> clients) {
			this.clients = clients;
		}

	}

	static class RestClientByType {

		final RestClient client;

		RestClientByType(RestClient client) {
			this.client = client;
		}

	}

	static class RestClientByQualifier {

		final RestClient client;

		RestClientByQualifier(@Qualifier("posRestClient") RestClient client) {
			this.client = client;
		}

	}

	static class ManagerByType {

		final OAuth2AuthorizedClientManager manager;

		ManagerByType(OAuth2AuthorizedClientManager manager) {
			this.manager = manager;
		}

	}

	static class ManagerByQualifier {

		final OAuth2AuthorizedClientManager manager;

		ManagerByQualifier(@Qualifier("posAuthorizedClientManager") OAuth2AuthorizedClientManager manager) {
			this.manager = manager;
		}

	}

	static class ReactiveManagerByType {

		final ReactiveOAuth2AuthorizedClientManager manager;

		ReactiveManagerByType(ReactiveOAuth2AuthorizedClientManager manager) {
			this.manager = manager;
		}

	}

	static class ReactiveManagerByQualifier {

		final ReactiveOAuth2AuthorizedClientManager manager;

		ReactiveManagerByQualifier(
				@Qualifier("posReactiveAuthorizedClientManager") ReactiveOAuth2AuthorizedClientManager manager) {
			this.manager = manager;
		}

	}

}
