package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import com.chimpy.pos.auth.health.PosAuthHealthIndicator;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.token.PasswordGrantReactiveAuthorizedClientProvider;
import com.chimpy.pos.auth.token.PasswordGrantRequest;
import com.chimpy.pos.auth.token.PosTokenResponseClient;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.RefreshTokenGrantReactiveAuthorizedClientProvider;
import com.chimpy.pos.auth.token.TokenRequestFormat;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Secret hygiene: no password, client secret, access token or refresh token value appears
 * in anything pos-auth writes or hands out.
 * <p>
 * What is covered: representative scenarios run against the sandbox (a confidential
 * client, so a client secret is sent): password grant, token reuse through
 * {@code posWebClient}, {@code posRestClient} and both authorized client managers, a 401
 * replay renewed by the refresh grant, a revoked refresh token falling back to the
 * password grant, a token endpoint answering 500 and then recovering, and a wrong
 * password (rejection, then the guard's refusal). They run once per request format (JSON
 * and form) with every {@code com.chimpy} logger, Reactor Netty ({@code reactor.netty}),
 * Spring's web and codec loggers ({@code org.springframework.web},
 * {@code org.springframework.http}, {@code org.springframework.core.codec}, that is
 * Boot's {@code web} log group) and Spring Security at TRACE. All console output is
 * captured and searched for each secret and each token the sandbox issued (whole, and
 * pieces of their unique parts, so a truncated value is caught too). The exceptions the
 * scenarios raise (message, {@code toString()} and cause chain), the health details and
 * the observations are searched as well, and the {@code toString()} of the properties,
 * {@link PasswordGrantRequest}, the providers, the token state and the token client must
 * mask secrets.
 * <p>
 * The sandbox's own logger ({@code com.chimpy.pos.auth.test}) stays at INFO here: it
 * plays the server; {@link #sandboxLogsShowNoSecrets} checks separately that it logs no
 * secret even at TRACE. Spring Security's {@code ClientRegistration.toString()} prints
 * the client secret; pos-auth never logs it, and it is left out of the {@code toString()}
 * checks.
 * <p>
 * Not covered, on purpose: Reactor Netty's wire logging ({@code HttpClient.wiretap}),
 * which is off unless the application switches it on in code. It prints the raw bytes of
 * every request and response, so it shows the password, the client secret and the tokens;
 * pos-auth cannot mask it, and the README says so: enabling wiretap is the application's
 * explicit choice of exposing the traffic.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosSecretHygieneTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String CLIENT_SECRET = "cl13nt-s3cret-0f-the-p0s-app";

	private static final String PASSWORD = "Pa55-w0rd-of-the-cashier";

	private static final String WRONG_PASSWORD = "Wr0ng-pa55-w0rd-typed-in";

	private static final List<String> TRACE_LOGGERS = List.of("com.chimpy", "reactor.netty", "org.springframework.web",
			"org.springframework.http", "org.springframework.core.codec", "org.springframework.security");

	/**
	 * What Reactor Netty's connection pool writes at DEBUG when it opens a connection.
	 */
	private static final String REACTOR_NETTY_DEBUG_LINE = "PooledConnectionProvider.*Created a new pooled channel";

	/**
	 * The sandbox plays the server: what it logs about the requests it received is not
	 * pos-auth's output.
	 */
	private static final String SANDBOX_LOGGER = "com.chimpy.pos.auth.test";

	private final LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());

	private final Map<String, LogLevel> previousLevels = new LinkedHashMap<>();

	private final List<Object> exposed = new ArrayList<>();

	private PosSandbox sandbox;

	@BeforeEach
	void traceEverything() {
		for (String logger : TRACE_LOGGERS) {
			LoggerConfiguration configuration = this.loggingSystem.getLoggerConfiguration(logger);
			this.previousLevels.put(logger, (configuration != null) ? configuration.getConfiguredLevel() : null);
			this.loggingSystem.setLogLevel(logger, LogLevel.TRACE);
		}
		LoggerConfiguration sandboxLogger = this.loggingSystem.getLoggerConfiguration(SANDBOX_LOGGER);
		this.previousLevels.put(SANDBOX_LOGGER, (sandboxLogger != null) ? sandboxLogger.getConfiguredLevel() : null);
		this.loggingSystem.setLogLevel(SANDBOX_LOGGER, LogLevel.INFO);
		this.sandbox = PosSandbox.builder().clientSecret(CLIENT_SECRET).user("cashier", PASSWORD).build().start();
	}

	@AfterEach
	void restoreLevels() {
		this.previousLevels.forEach(this.loggingSystem::setLogLevel);
		this.sandbox.close();
	}

	private ApplicationContextRunner runner(TokenRequestFormat format) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(WebClientAutoConfiguration.class, RestClientAutoConfiguration.class,
							PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class,
							PosRestClientAutoConfiguration.class, PosAuthHealthAutoConfiguration.class))
			.withPropertyValues(this.sandbox.springPropertyValues())
			.withPropertyValues("pos.auth.request-format=" + format.name().toLowerCase(), "pos.auth.retry-backoff=20ms",
					"pos.auth.max-retry-backoff=20ms");
	}

	@ParameterizedTest
	@EnumSource(TokenRequestFormat.class)
	void scenariosAtTraceRevealNoSecret(TokenRequestFormat format, CapturedOutput output) {
		TestObservationRegistry observations = TestObservationRegistry.create();
		runner(format).withBean(ObservationRegistry.class, () -> observations).run((context) -> runScenarios(context));
		runner(format).withPropertyValues("pos.auth.password=" + WRONG_PASSWORD).run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			this.exposed.add(catchThrowable(() -> callApi(client)));
			// The second call is refused by the credential guard without a request.
			this.exposed.add(catchThrowable(() -> callApi(client)));
			this.exposed.add(context.getBean(PosAuthHealthIndicator.class).health());
			this.exposed.add(context.getBean(PosTokenState.class));
		});
		// The first token, the fallback after the revocation, the retry after the 500 (a
		// refresh token that may have
		// reached the server is never sent again), the wrong password once.
		assertThat(this.sandbox.tokenRequests("password")).as("password grants").isEqualTo(4);
		// 401 replays (webClient, restClient), the revoked one, the one answered 500, the
		// double 401.
		assertThat(this.sandbox.tokenRequests("refresh_token")).as("refresh grants").isEqualTo(5);
		assertThat(secrets()).as("tokens were issued").hasSizeGreaterThan(10);
		assertThat(this.exposed).hasSizeGreaterThan(5);
		TestObservationRegistryAssert.assertThat(observations)
			.hasHandledContextsThatSatisfy((contexts) -> this.exposed.add(contexts.toString()));
		assertNoSecretIn(output.getAll(), "the captured output");
		for (Object object : this.exposed) {
			assertNoSecretIn(describe(object), "exposed " + object.getClass().getSimpleName());
		}
		// Lines that only Spring's web client at TRACE and Reactor Netty at DEBUG write:
		// the loggers whose output was searched were really on.
		assertThat(output.getAll()).as("Spring's WebClient logged at TRACE")
			.contains("HTTP GET " + this.sandbox.apiBaseUrl() + "/stores, headers={masked}");
		assertThat(output.getAll()).as("Reactor Netty logged at DEBUG").containsPattern(REACTOR_NETTY_DEBUG_LINE);
	}

	private void runScenarios(AssertableApplicationContext context) {
		WebClient webClient = context.getBean("posWebClient", WebClient.class);
		RestClient restClient = context.getBean("posRestClient", RestClient.class);
		// Password grant, then reuse through every client.
		callApi(webClient);
		restClient.get().uri("/stores").retrieve().toBodilessEntity();
		OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId("pos")
			.principal("any")
			.build();
		OAuth2AuthorizedClient authorized = context
			.getBean("posAuthorizedClientManager", OAuth2AuthorizedClientManager.class)
			.authorize(request);
		this.exposed.add(authorized);
		this.exposed
			.add(context.getBean("posReactiveAuthorizedClientManager", ReactiveOAuth2AuthorizedClientManager.class)
				.authorize(request)
				.block(TIMEOUT));
		// 401 replay: renewed with the refresh token.
		this.sandbox.api().failNext(1, Fault.status(401));
		callApi(webClient);
		this.sandbox.api().failNext(1, Fault.status(401));
		restClient.get().uri("/stores").retrieve().toBodilessEntity();
		// Revoked tokens: the refresh token is rejected and the password grant takes
		// over.
		this.sandbox.revokeAllTokens();
		callApi(webClient);
		// The token endpoint fails once, then recovers (with the password grant: the
		// refresh token is spent).
		this.sandbox.tokenEndpoint().failNext(1, Fault.status(500));
		this.sandbox.api().failNext(1, Fault.status(401));
		callApi(webClient);
		// API errors reach the caller.
		this.sandbox.api().failNext(2, Fault.status(401));
		this.exposed.add(catchThrowable(() -> callApi(webClient)));
		this.exposed.add(context.getBean(PosTokenState.class));
		this.exposed.add(context.getBean(PosAuthHealthIndicator.class).health());
		this.exposed.add(context.getBean(PosAuthProperties.class));
		this.exposed.add(context.getBean(PosApiProperties.class));
		this.exposed.add(context.getBean("posAccessTokenResponseClient"));
	}

	@Test
	void toStringMasksSecrets() {
		PosAuthProperties properties = new PosAuthProperties();
		properties.setClientSecret(CLIENT_SECRET);
		properties.setPassword(PASSWORD);
		properties.setUsername("cashier");
		assertThat(properties.toString()).contains("cashier").doesNotContain(CLIENT_SECRET).doesNotContain(PASSWORD);
		runner(TokenRequestFormat.JSON).run((context) -> {
			PosTokenState state = context.getBean(PosTokenState.class);
			callApi(context.getBean("posWebClient", WebClient.class));
			PasswordGrantRequest grant = new PasswordGrantRequest(state.getClientRegistration(), "cashier", PASSWORD);
			List<Object> objects = List.of(context.getBean(PosAuthProperties.class), grant, state,
					new PasswordGrantReactiveAuthorizedClientProvider((r) -> reactor.core.publisher.Mono.empty(),
							"cashier", PASSWORD),
					new RefreshTokenGrantReactiveAuthorizedClientProvider((r) -> reactor.core.publisher.Mono.empty()),
					context.getBean("posAccessTokenResponseClient", PosTokenResponseClient.class),
					state.authorizedClient().block(TIMEOUT));
			for (Object object : objects) {
				assertNoSecretIn(String.valueOf(object), object.getClass().getSimpleName() + ".toString()");
			}
			assertThat(grant.toString()).contains("cashier").contains("[PROTECTED]");
		});
	}

	@Test
	void sandboxLogsShowNoSecrets(CapturedOutput output) {
		this.loggingSystem.setLogLevel(SANDBOX_LOGGER, LogLevel.TRACE);
		runner(TokenRequestFormat.JSON).run((context) -> callApi(context.getBean("posWebClient", WebClient.class)));
		assertNoSecretIn(output.getAll(), "the sandbox's log");
	}

	private static void callApi(WebClient client) {
		client.get().uri("/stores").retrieve().toBodilessEntity().block(TIMEOUT);
	}

	/**
	 * Every secret value and issued token, from the configuration and the sandbox's
	 * journal.
	 */
	private Set<String> secrets() {
		Set<String> secrets = new LinkedHashSet<>(List.of(CLIENT_SECRET, PASSWORD, WRONG_PASSWORD));
		for (ServeEvent event : this.sandbox.tokenRequestEvents()) {
			String body = event.getResponse().getBodyAsString();
			if (body == null || !body.startsWith("{")) {
				continue;
			}
			Map<?, ?> json = JsonMapper.shared().readValue(body, Map.class);
			for (String field : List.of("access_token", "refresh_token")) {
				if (json.get(field) instanceof String value) {
					secrets.add(value);
				}
			}
		}
		secrets.addAll(this.sandbox.refreshTokensSent());
		assertThat(secrets).as("tokens were issued").hasSizeGreaterThan(3);
		return secrets;
	}

	/**
	 * Whole values and, for tokens, pieces of their unique part (a JWT's signature), so
	 * truncation is caught.
	 */
	private void assertNoSecretIn(String text, String where) {
		for (String secret : secrets()) {
			assertThat(text).as("%s must not contain a secret", where).doesNotContain(secret);
			String unique = secret.contains(".") ? secret.substring(secret.lastIndexOf('.') + 1) : secret;
			for (int start = 0; start + 16 <= unique.length(); start += 8) {
				String piece = unique.substring(start, start + 16);
				assertThat(text).as("%s must not contain a piece of a secret", where).doesNotContain(piece);
			}
		}
	}

	private static String describe(Object object) {
		if (!(object instanceof Throwable failure)) {
			return String.valueOf(object);
		}
		StringBuilder text = new StringBuilder();
		List<Throwable> seen = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !seen.contains(cause); cause = cause.getCause()) {
			seen.add(cause);
			text.append(cause).append('\n').append(cause.getMessage()).append('\n');
			if (cause instanceof org.springframework.security.oauth2.client.ClientAuthorizationException cae) {
				text.append(cae.getError()).append('\n');
			}
		}
		return text.toString();
	}

}
