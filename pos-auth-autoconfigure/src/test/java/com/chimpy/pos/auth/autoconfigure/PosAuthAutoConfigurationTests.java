package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.client.WebClient;

import static com.chimpy.pos.auth.PosSandboxFixture.PASSWORD;
import static com.chimpy.pos.auth.PosSandboxFixture.USERNAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link PosAuthAutoConfiguration} and {@link PosWebClientAutoConfiguration}: which beans
 * exist when, that they back off, and that the beans answer as one token state.
 */
class PosAuthAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String[] BEANS = { "posWebClient", "posAuthorizedClientManager",
			"posReactiveAuthorizedClientManager" };

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	private final ApplicationContextRunner runner = PosSandboxFixture.contextRunner();

	@Test
	void beansArePresentWithTheProperties() {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox())).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean("posWebClient").isInstanceOf(WebClient.class);
			assertThat(context).getBean("posAuthorizedClientManager").isInstanceOf(OAuth2AuthorizedClientManager.class);
			assertThat(context).getBean("posReactiveAuthorizedClientManager")
				.isInstanceOf(ReactiveOAuth2AuthorizedClientManager.class);
			assertThat(context).hasSingleBean(PosTokenState.class);
			assertThat(sandbox().tokenRequests()).as("no token is requested at start-up").isZero();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "posWebClient", "posAuthorizedClientManager", "posReactiveAuthorizedClientManager" })
	void eachBeanBacksOffForABeanOfTheSameName(String name) {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox()))
			.withUserConfiguration(UserBeans.class)
			.withPropertyValues("user.bean=" + name)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(name)).isSameAs(UserBeans.INSTANCES.get(name));
				assertThat(definingClass(context, name)).isEqualTo(UserBeans.class.getName());
				for (String other : BEANS) {
					if (!other.equals(name)) {
						assertThat(definingClass(context, other)).as("%s is still pos-auth's own", other)
							.matches("com\\.chimpy\\.pos\\.auth\\.autoconfigure\\.Pos\\w*AutoConfiguration(\\$\\w+)?");
					}
				}
			});
	}

	/**
	 * An application bean named {@code posAccessTokenResponseClient} replaces pos-auth's,
	 * and pos-auth's token state gets its tokens from it: the token endpoint sees no
	 * request.
	 */
	@Test
	@SuppressWarnings({ "rawtypes", "unchecked" })
	void applicationAccessTokenResponseClientReplacesPosAuthsAndIsUsed() {
		AtomicInteger calls = new AtomicInteger();
		ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> own = (grantRequest) -> {
			calls.incrementAndGet();
			return Mono.just(OAuth2AccessTokenResponse.withToken("from-the-application")
				.tokenType(OAuth2AccessToken.TokenType.BEARER)
				.expiresIn(3600)
				.build());
		};
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox()))
			.withBean("posAccessTokenResponseClient", ReactiveOAuth2AccessTokenResponseClient.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().getBean("posAccessTokenResponseClient").isSameAs(own);
				OAuth2AuthorizedClient client = reactive(context).authorize(request("pos", "anyone")).block(TIMEOUT);
				assertThat(client.getAccessToken().getTokenValue()).isEqualTo("from-the-application");
				assertThat(
						imperative(context).authorize(request("pos", "someone-else")).getAccessToken().getTokenValue())
					.isEqualTo("from-the-application");
				assertThat(calls).as("one token request, through the application's client").hasValue(1);
				assertThat(sandbox().tokenRequests()).as("nothing reached the token endpoint").isZero();
			});
	}

	@Test
	void nothingIsCreatedWithoutPosProperties() {
		this.runner.withPropertyValues("spring.application.name=shop", "pos.other=unrelated").run((context) -> {
			assertThat(context).hasNotFailed();
			for (String name : BEANS) {
				assertThat(context).doesNotHaveBean(name);
			}
			assertThat(context).doesNotHaveBean(PosTokenState.class);
			assertThat(context).doesNotHaveBean(PosAuthProperties.class);
		});
	}

	@Test
	void disabledCreatesNothing() {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.enabled=false"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				for (String name : BEANS) {
					assertThat(context).doesNotHaveBean(name);
				}
				assertThat(context).doesNotHaveBean(PosTokenState.class);
			});
	}

	@Test
	void disabledNeedsNoOtherProperty() {
		this.runner.withPropertyValues("pos.auth.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PosTokenState.class);
		});
	}

	@Test
	void bothManagersAnswerWithTheSameTokenWhateverThePrincipal() {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox())).run((context) -> {
			OAuth2AuthorizedClient imperative = imperative(context).authorize(request("pos", "anyone"));
			OAuth2AuthorizedClient reactive = reactive(context).authorize(request("pos", "someone-else"))
				.block(TIMEOUT);
			OAuth2AuthorizedClient again = imperative(context).authorize(request("pos", "a-third"));
			String issued = PosSandboxFixture.issuedAccessTokens(sandbox()).get(0);
			assertThat(imperative.getAccessToken().getTokenValue()).isEqualTo(issued);
			assertThat(reactive.getAccessToken().getTokenValue()).isEqualTo(issued);
			assertThat(again.getAccessToken().getTokenValue()).isEqualTo(issued);
			assertThat(imperative.getClientRegistration().getRegistrationId()).isEqualTo("pos");
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void managersRejectOtherRegistrations() {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox())).run((context) -> {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> imperative(context).authorize(request("keycloak", "anyone")))
				.withMessageContaining("keycloak");
			StepVerifier.create(reactive(context).authorize(request("keycloak", "anyone")))
				.expectError(IllegalArgumentException.class)
				.verify(TIMEOUT);
			assertThat(sandbox().tokenRequests()).isZero();
		});
	}

	@Test
	void propertiesMakeTheJsonPasswordGrant() {
		this.runner
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.client-secret=client-s3cret",
					"pos.auth.audience=https://pos.example.com/api", "pos.auth.scope=offline_access"))
			.run((context) -> {
				// this client secret and audience are not the sandbox's: a scripted
				// answer
				sandbox().tokenEndpoint().failAlways(Fault.tokenAnswer("access-1", 3600, "refresh-1"));
				authorize(context);
				Map<String, Object> expected = new LinkedHashMap<>();
				expected.put("grant_type", "password");
				expected.put("client_id", PosSandbox.DEFAULT_CLIENT_ID);
				expected.put("client_secret", "client-s3cret");
				expected.put("audience", "https://pos.example.com/api");
				expected.put("username", USERNAME);
				expected.put("password", PASSWORD);
				expected.put("scope", "offline_access");
				assertThat(sandbox().tokenRequestEvents()).singleElement().satisfies((event) -> {
					assertThat(event.getRequest().getHeader("Content-Type")).startsWith("application/json");
					assertThat(PosSandboxFixture.jsonBody(event.getRequest())).isEqualTo(expected);
				});
			});
	}

	@Test
	void propertiesMakeTheFormPasswordGrant() {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.request-format=form"))
			.run((context) -> {
				authorize(context);
				assertThat(sandbox().tokenRequestEvents()).singleElement()
					.satisfies((event) -> assertThat(event.getRequest().getHeader("Content-Type"))
						.startsWith("application/x-www-form-urlencoded"));
				assertThat(sandbox().tokenRequestBodies()).singleElement()
					.isEqualTo(Map.of("grant_type", "password", "client_id", PosSandbox.DEFAULT_CLIENT_ID, "username",
							USERNAME, "password", PASSWORD, "audience", PosSandbox.DEFAULT_AUDIENCE, "scope",
							"offline_access"));
				assertThat(sandbox().passwordGrants(USERNAME)).isEqualTo(1);
			});
	}

	@Test
	void expiresInIsHonoured() {
		sandbox().tokenEndpoint().failAlways(Fault.tokenAnswer("access-120", 120, null));
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox())).run((context) -> {
			OAuth2AccessToken token = authorize(context).getAccessToken();
			assertThat(token.getTokenValue()).isEqualTo("access-120");
			assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt())).isEqualTo(Duration.ofSeconds(120));
			assertThat(context.getBean(PosTokenState.class).getExpiresAt()).isEqualTo(token.getExpiresAt());
		});
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 403 })
	void rejectedCredentialsSurfaceAsClientAuthorizationException(int status) {
		sandbox().tokenEndpoint().failAlways(Fault.oauthError(status, "invalid_grant", "Wrong email or password."));
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox())).run((context) -> {
			assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> authorize(context))
				.satisfies((ex) -> {
					assertThat(ex.getClientRegistrationId()).isEqualTo("pos");
					assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant");
					assertThat(ex.getError().getDescription()).isEqualTo("Wrong email or password.");
					assertThat(ex).hasMessageNotContaining(PASSWORD);
				});
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void answerWithoutAccessTokenIsAClearError() {
		sandbox().tokenEndpoint().failAlways(Fault.missingAccessToken());
		assertInvalidAnswer("without an access_token");
	}

	@Test
	void answerWithMacTokenTypeIsAClearError() {
		sandbox().tokenEndpoint()
			.failAlways(Fault.json(200, "{\"access_token\":\"access-mac\",\"token_type\":\"mac\",\"expires_in\":60}"));
		assertInvalidAnswer("token_type 'mac'");
	}

	private void assertInvalidAnswer(String reason) {
		// A retry backoff longer than the maximum wait makes the caller fail after the
		// first answer.
		this.runner
			.withPropertyValues(
					PosSandboxFixture.properties(sandbox(), "pos.auth.retry-backoff=10s", "pos.auth.max-wait=2s"))
			.run((context) -> {
				assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> authorize(context))
					.withMessageContaining(reason)
					.withMessageNotContaining("access-mac");
				assertThat(sandbox().tokenRequests()).isEqualTo(1);
			});
	}

	@Test
	void applicationWebClientCustomizersApplyToPosWebClient() {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox()))
			.withUserConfiguration(Customizers.class)
			.run((context) -> {
				context.getBean("posWebClient", WebClient.class)
					.get()
					.uri("/stores")
					.retrieve()
					.toBodilessEntity()
					.block(TIMEOUT);
				assertThat(sandbox().apiRequestEvents()).singleElement().satisfies((event) -> {
					assertThat(event.getRequest().getHeader("X-Boot-Customizer")).isEqualTo("applied");
					assertThat(event.getRequest().getHeader("X-Pos-Customizer")).isEqualTo("applied");
					assertThat(event.getRequest().getHeader("Authorization"))
						.isEqualTo("Bearer " + PosSandboxFixture.issuedAccessTokens(sandbox()).get(0));
				});
				assertThat(sandbox().apiRequests(200)).as("the sandbox accepted the token").isEqualTo(1);
			});
	}

	private static OAuth2AuthorizedClient authorize(AssertableApplicationContext context) {
		return imperative(context).authorize(request("pos", "anyone"));
	}

	private static OAuth2AuthorizeRequest request(String registrationId, String principal) {
		return OAuth2AuthorizeRequest.withClientRegistrationId(registrationId).principal(principal).build();
	}

	private static OAuth2AuthorizedClientManager imperative(AssertableApplicationContext context) {
		return context.getBean("posAuthorizedClientManager", OAuth2AuthorizedClientManager.class);
	}

	private static ReactiveOAuth2AuthorizedClientManager reactive(AssertableApplicationContext context) {
		return context.getBean("posReactiveAuthorizedClientManager", ReactiveOAuth2AuthorizedClientManager.class);
	}

	/** The configuration class whose {@code @Bean} method defines the named bean. */
	private static String definingClass(AssertableApplicationContext context, String name) {
		BeanDefinition definition = context.getBeanFactory().getBeanDefinition(name);
		String factory = definition.getFactoryBeanName();
		return (factory != null) ? context.getBeanFactory().getType(factory).getName() : definition.getBeanClassName();
	}

	/**
	 * The application's own bean of the name in {@code user.bean}.
	 */
	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final Map<String, Object> INSTANCES = Map.of("posWebClient", WebClient.create(),
				"posAuthorizedClientManager", (OAuth2AuthorizedClientManager) (request) -> null,
				"posReactiveAuthorizedClientManager",
				(ReactiveOAuth2AuthorizedClientManager) (request) -> Mono.empty());

		@Bean
		@ConditionalOnProperty(name = "user.bean", havingValue = "posWebClient")
		WebClient posWebClient() {
			return (WebClient) INSTANCES.get("posWebClient");
		}

		@Bean
		@ConditionalOnProperty(name = "user.bean", havingValue = "posAuthorizedClientManager")
		OAuth2AuthorizedClientManager posAuthorizedClientManager() {
			return (OAuth2AuthorizedClientManager) INSTANCES.get("posAuthorizedClientManager");
		}

		@Bean
		@ConditionalOnProperty(name = "user.bean", havingValue = "posReactiveAuthorizedClientManager")
		ReactiveOAuth2AuthorizedClientManager posReactiveAuthorizedClientManager() {
			return (ReactiveOAuth2AuthorizedClientManager) INSTANCES.get("posReactiveAuthorizedClientManager");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		WebClientCustomizer bootCustomizer() {
			return (builder) -> builder.defaultHeader("X-Boot-Customizer", "applied");
		}

		@Bean
		PosWebClientCustomizer posCustomizer() {
			return (builder) -> builder.defaultHeader("X-Pos-Customizer", "applied");
		}

	}

}
