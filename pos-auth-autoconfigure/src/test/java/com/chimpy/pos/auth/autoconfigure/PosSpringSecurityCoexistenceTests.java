package com.chimpy.pos.auth.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.servlet.OAuth2ClientWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServletOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.function.client.WebClient;

import static com.chimpy.pos.auth.PosSandboxFixture.apiAuthorizations;
import static com.chimpy.pos.auth.PosSandboxFixture.bearers;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.config.Customizer.withDefaults;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * pos-auth beside Spring Security's own OAuth2 client, set up by Boot from
 * {@code spring.security.oauth2.client.registration.github.*} (a client-credentials
 * registration whose token endpoint is a second sandbox): the application injects
 * {@link OAuth2AuthorizedClientManager} or {@link ReactiveOAuth2AuthorizedClientManager}
 * by type and gets Spring Security's default manager, built by Spring as without
 * pos-auth; {@code @RegisteredOAuth2AuthorizedClient("github")} and Spring's exchange
 * filter functions serve the {@code github} registration; {@code posWebClient} keeps
 * serving the PoS API.
 * <p>
 * Spring Security registers its default manager only when no bean of the manager type
 * exists, default candidate or not ({@code getBeanNamesForType}); pos-auth's managers
 * exist, so pos-auth registers Spring's definition itself
 * ({@link SpringSecurityDefaultManagerRegistrar}). The by-type tests compare with the
 * same application without pos-auth.
 * <p>
 * Runs in its own Surefire execution ({@code spring-security-coexistence-test}): the
 * other tests run without Boot's security auto-configuration on the classpath.
 */
@EnabledIfSystemProperty(named = "pos.spring-security", matches = "true")
class PosSpringSecurityCoexistenceTests {

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	/**
	 * Another sandbox playing the application's own OAuth2 provider ("github") and its
	 * API, with scripted answers: a client-credentials token and a user name.
	 */
	@RegisterExtension
	static final PosSandboxExtension githubExtension = new PosSandboxExtension(PosSandbox.builder());

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	private static PosSandbox github() {
		return githubExtension.sandbox();
	}

	private static final List<Object> customizedManagers = new CopyOnWriteArrayList<>();

	@BeforeEach
	void stubServers() {
		customizedManagers.clear();
		github().tokenEndpoint().failAlways(Fault.tokenAnswer("github-access-token", 3600, null));
		github().api().failAlways(Fault.answer(200, Map.of("Content-Type", "text/plain"), "octocat"));
	}

	private static String[] githubRegistration() {
		return new String[] { "spring.security.oauth2.client.registration.github.client-id=shop",
				"spring.security.oauth2.client.registration.github.client-secret=shop-secret",
				"spring.security.oauth2.client.registration.github.authorization-grant-type=client_credentials",
				"spring.security.oauth2.client.provider.github.token-uri=" + github().tokenUri(),
				"github.base-url=" + github().apiBaseUrl() };
	}

	private static WebApplicationContextRunner servletWithoutPosAuth() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpMessageConvertersAutoConfiguration.class,
					DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
					SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
					OAuth2ClientAutoConfiguration.class, OAuth2ClientWebSecurityAutoConfiguration.class,
					WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class))
			.withPropertyValues(githubRegistration());
	}

	private static WebApplicationContextRunner servlet() {
		return servletWithoutPosAuth().withPropertyValues(PosSandboxFixture.properties(sandbox()));
	}

	private static ReactiveWebApplicationContextRunner reactiveWithoutPosAuth() {
		return new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ReactiveWebSecurityAutoConfiguration.class,
					ReactiveOAuth2ClientAutoConfiguration.class, ReactiveOAuth2ClientWebSecurityAutoConfiguration.class,
					WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class))
			.withPropertyValues(githubRegistration());
	}

	private static ReactiveWebApplicationContextRunner reactive() {
		return reactiveWithoutPosAuth().withPropertyValues(PosSandboxFixture.properties(sandbox()));
	}

	private static List<ServeEvent> githubTokenRequests() {
		return github().tokenRequestEvents();
	}

	/** The application's API got its own token, the PoS API pos-auth's. */
	private static void assertEachApiGotItsOwnToken() {
		assertThat(apiAuthorizations(github())).containsExactly("Bearer github-access-token");
		assertThat(apiAuthorizations(sandbox())).hasSize(1)
			.containsExactlyElementsOf(bearers(issuedAccessTokens(sandbox())));
	}

	@Test
	void servletApplicationGetsSpringSecurityDefaultManagerByType() {
		String[] withoutPosAuth = new String[1];
		servletWithoutPosAuth().withUserConfiguration(ServletManagerUser.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("posAuthorizedClientManager");
			withoutPosAuth[0] = context.getBeanNamesForType(OAuth2AuthorizedClientManager.class)[0];
		});
		customizedManagers.clear();
		servlet().withUserConfiguration(ServletManagerUser.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(OAuth2AuthorizedClientManager.class))
				.containsExactlyInAnyOrder(withoutPosAuth[0], "posAuthorizedClientManager");
			OAuth2AuthorizedClientManager injected = context.getBean(ServletManagerUser.class).manager;
			assertThat(injected).isInstanceOf(DefaultOAuth2AuthorizedClientManager.class)
				.isSameAs(context.getBean(withoutPosAuth[0]))
				.isSameAs(context.getBean(OAuth2AuthorizedClientManager.class))
				.isNotSameAs(context.getBean("posAuthorizedClientManager"));
			assertThat(customizedManagers).as("built by Spring, with the application's customizer")
				.containsExactly(injected);
		});
	}

	@Test
	void servletRegisteredOAuth2AuthorizedClientServesTheApplicationRegistration() {
		servlet().withUserConfiguration(ServletTokenController.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			mvc.perform(MockMvcRequestBuilders.get("/github/token"))
				.andExpect(status().isOk())
				.andExpect(content().string("github-access-token"));
			assertThat(githubTokenRequests()).singleElement()
				.satisfies((event) -> assertThat(event.getRequest().getBodyAsString())
					.contains("grant_type=client_credentials"));
			assertThat(sandbox().tokenRequests()).isZero();
		});
	}

	@Test
	void servletExchangeFilterFunctionWithTheInjectedManagerServesTheApplicationRegistration() {
		servlet().withUserConfiguration(ServletApiApplication.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			mvc.perform(MockMvcRequestBuilders.get("/github/user"))
				.andExpect(status().isOk())
				.andExpect(content().string("octocat"));
			assertThat(githubTokenRequests()).hasSize(1);
			assertThat(sandbox().tokenRequests()).isZero();
			mvc.perform(MockMvcRequestBuilders.get("/pos/stores"))
				.andExpect(status().isOk())
				.andExpect(content().string(containsString("simulated")));
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
			assertThat(githubTokenRequests()).hasSize(1);
			assertEachApiGotItsOwnToken();
		});
	}

	@Test
	void servletApplicationManagerIsKept() {
		servlet().withUserConfiguration(OwnManagers.class, ServletManagerUser.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(OAuth2AuthorizedClientManager.class))
				.containsExactlyInAnyOrder("ownAuthorizedClientManager", "posAuthorizedClientManager");
			assertThat(context.getBean(ServletManagerUser.class).manager)
				.isSameAs(context.getBean("ownAuthorizedClientManager"));
		});
	}

	@Test
	void reactiveApplicationGetsSpringSecurityDefaultManagerByType() {
		String[] withoutPosAuth = new String[1];
		reactiveWithoutPosAuth().withUserConfiguration(ReactiveManagerUser.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("posReactiveAuthorizedClientManager");
			withoutPosAuth[0] = context.getBeanNamesForType(ReactiveOAuth2AuthorizedClientManager.class)[0];
		});
		customizedManagers.clear();
		reactive().withUserConfiguration(ReactiveManagerUser.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(ReactiveOAuth2AuthorizedClientManager.class))
				.containsExactlyInAnyOrder(withoutPosAuth[0], "posReactiveAuthorizedClientManager");
			ReactiveOAuth2AuthorizedClientManager injected = context.getBean(ReactiveManagerUser.class).manager;
			assertThat(injected).isInstanceOf(DefaultReactiveOAuth2AuthorizedClientManager.class)
				.isSameAs(context.getBean(withoutPosAuth[0]))
				.isSameAs(context.getBean(ReactiveOAuth2AuthorizedClientManager.class))
				.isNotSameAs(context.getBean("posReactiveAuthorizedClientManager"));
			assertThat(customizedManagers).as("built by Spring, with the application's customizer")
				.containsExactly(injected);
		});
	}

	@Test
	void reactiveRegisteredOAuth2AuthorizedClientServesTheApplicationRegistration() {
		reactive().withUserConfiguration(ReactiveTokenController.class).run((context) -> {
			assertThat(context).hasNotFailed();
			WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
			client.get()
				.uri("/github/token")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.isEqualTo("github-access-token");
			assertThat(githubTokenRequests()).singleElement()
				.satisfies((event) -> assertThat(event.getRequest().getBodyAsString())
					.contains("grant_type=client_credentials"));
			assertThat(sandbox().tokenRequests()).isZero();
		});
	}

	@Test
	void reactiveExchangeFilterFunctionWithTheInjectedManagerServesTheApplicationRegistration() {
		reactive().withUserConfiguration(ReactiveApiApplication.class).run((context) -> {
			assertThat(context).hasNotFailed();
			WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
			client.get()
				.uri("/github/user")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.isEqualTo("octocat");
			assertThat(githubTokenRequests()).hasSize(1);
			assertThat(sandbox().tokenRequests()).isZero();
			client.get()
				.uri("/pos/stores")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.value((body) -> assertThat(body).contains("simulated"));
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
			assertThat(githubTokenRequests()).hasSize(1);
			assertEachApiGotItsOwnToken();
		});
	}

	@Test
	void reactiveApplicationManagerIsKept() {
		reactive().withUserConfiguration(OwnManagers.class, ReactiveManagerUser.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(ReactiveOAuth2AuthorizedClientManager.class))
				.containsExactlyInAnyOrder("ownReactiveAuthorizedClientManager", "posReactiveAuthorizedClientManager");
			assertThat(context.getBean(ReactiveManagerUser.class).manager)
				.isSameAs(context.getBean("ownReactiveAuthorizedClientManager"));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnManagers {

		@Bean
		OAuth2AuthorizedClientManager ownAuthorizedClientManager() {
			return (request) -> null;
		}

		@Bean
		ReactiveOAuth2AuthorizedClientManager ownReactiveAuthorizedClientManager() {
			return (request) -> Mono.empty();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ManagerCustomizers {

		@Bean
		Consumer<DefaultOAuth2AuthorizedClientManager> servletManagerCustomizer() {
			return customizedManagers::add;
		}

		@Bean
		Consumer<DefaultReactiveOAuth2AuthorizedClientManager> reactiveManagerCustomizer() {
			return customizedManagers::add;
		}

	}

	@Import(ManagerCustomizers.class)
	static class ServletManagerUser {

		final OAuth2AuthorizedClientManager manager;

		ServletManagerUser(OAuth2AuthorizedClientManager manager) {
			this.manager = manager;
		}

	}

	@Import(ManagerCustomizers.class)
	static class ReactiveManagerUser {

		final ReactiveOAuth2AuthorizedClientManager manager;

		ReactiveManagerUser(ReactiveOAuth2AuthorizedClientManager manager) {
			this.manager = manager;
		}

	}

	@RestController
	static class ServletTokenController {

		@GetMapping("/github/token")
		String token(@RegisteredOAuth2AuthorizedClient("github") OAuth2AuthorizedClient client) {
			return client.getAccessToken().getTokenValue();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ServletApiController.class)
	static class ServletApiApplication {

		@Bean
		WebClient githubWebClient(OAuth2AuthorizedClientManager manager, @Value("${github.base-url}") String baseUrl) {
			ServletOAuth2AuthorizedClientExchangeFilterFunction oauth2 = new ServletOAuth2AuthorizedClientExchangeFilterFunction(
					manager);
			oauth2.setDefaultClientRegistrationId("github");
			return WebClient.builder().baseUrl(baseUrl).apply(oauth2.oauth2Configuration()).build();
		}

	}

	@RestController
	static class ServletApiController {

		private final WebClient github;

		private final WebClient pos;

		ServletApiController(WebClient github, @Qualifier("posWebClient") WebClient pos) {
			this.github = github;
			this.pos = pos;
		}

		@GetMapping("/github/user")
		String user() {
			return this.github.get().uri("/user").retrieve().bodyToMono(String.class).block();
		}

		@GetMapping("/pos/stores")
		String stores() {
			return this.pos.get().uri("/stores").retrieve().bodyToMono(String.class).block();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebFlux
	static class ReactiveWebApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.oauth2Client(withDefaults())
				.build();
		}

	}

	@RestController
	@Import(ReactiveWebApplication.class)
	static class ReactiveTokenController {

		@GetMapping("/github/token")
		String token(@RegisteredOAuth2AuthorizedClient("github") OAuth2AuthorizedClient client) {
			return client.getAccessToken().getTokenValue();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ ReactiveWebApplication.class, ReactiveApiController.class })
	static class ReactiveApiApplication {

		@Bean
		WebClient githubWebClient(ReactiveOAuth2AuthorizedClientManager manager,
				@Value("${github.base-url}") String baseUrl) {
			ServerOAuth2AuthorizedClientExchangeFilterFunction oauth2 = new ServerOAuth2AuthorizedClientExchangeFilterFunction(
					manager);
			oauth2.setDefaultClientRegistrationId("github");
			return WebClient.builder().baseUrl(baseUrl).filter(oauth2).build();
		}

	}

	@RestController
	static class ReactiveApiController {

		private final WebClient github;

		private final WebClient pos;

		ReactiveApiController(WebClient github, @Qualifier("posWebClient") WebClient pos) {
			this.github = github;
			this.pos = pos;
		}

		@GetMapping("/github/user")
		Mono<String> user() {
			return this.github.get().uri("/user").retrieve().bodyToMono(String.class);
		}

		@GetMapping("/pos/stores")
		Mono<String> stores() {
			return this.pos.get().uri("/stores").retrieve().bodyToMono(String.class);
		}

	}

}
