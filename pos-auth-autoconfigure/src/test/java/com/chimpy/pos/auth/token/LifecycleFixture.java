package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;
import com.chimpy.pos.auth.observation.ObservedTokenResponseClient;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * Shared test fixture of the token lifecycle tests: a token endpoint and a PoS API on
 * WireMock (127.0.0.1, dynamic ports), token states built with {@code new} the way the
 * auto-configuration wires them, and a context runner for {@code posWebClient}. Token
 * requests are counted from the token server's request journal only.
 */
final class LifecycleFixture {

	static final String TOKEN_PATH = "/oauth/token";

	static final String CLIENT_ID = "pos-client";

	static final String USERNAME = "till-17";

	/** A fake password; tests check that it never shows up in messages. */
	static final String PASSWORD = "pw-Ze7uQx9";

	static final String AUDIENCE = "https://pos.example.com/api/v2";

	private static final JsonMapper json = JsonMapper.shared();

	private LifecycleFixture() {
	}

	/**
	 * A WireMock server on 127.0.0.1 with a dynamic port (or the given one).
	 */
	static WireMockServer wireMock(int port, TokenIssuer issuer) {
		WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1")
			.port(port)
			.containerThreads(80)
			.jettyAcceptQueueSize(1000)
			.notifier(new Slf4jNotifier(false))
			.extensions(issuer));
		server.start();
		return server;
	}

	static WireMockServer apiServer() {
		return wireMock(0, new TokenIssuer());
	}

	/**
	 * A PoS API that answers every call under {@code /api/v2/} with {@code {"ok":true}};
	 * the stub has priority 10, so the stubs a test adds with a higher priority (a lower
	 * number) take precedence.
	 */
	static WireMockServer okApiServer() {
		WireMockServer api = apiServer();
		api.stubFor(any(urlPathMatching("/api/v2/.*")).atPriority(10).willReturn(okJson("{\"ok\":true}")));
		return api;
	}

	/**
	 * Renewal settings with the refresh-ahead and expiry margins at their defaults (5 min
	 * and 30 s), so that for the short tokens of the tests both are capped: the
	 * refresh-ahead point is at half the lifetime and the hard point a tenth before
	 * expiry.
	 */
	static TokenRenewalSettings settings(Duration maxWait, Duration requestTimeout, Duration retryBackoff,
			Duration rejectionBackoff, int maxRejections) {
		return new TokenRenewalSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), maxWait, requestTimeout,
				retryBackoff, retryBackoff.multipliedBy(8), rejectionBackoff, maxRejections);
	}

	/**
	 * A token state wired like {@code PosAuthAutoConfiguration} does it: JSON requests
	 * through a WebClient on Boot's Reactor Netty connector with the given connect and
	 * read timeouts.
	 */
	static PosTokenState tokenState(String tokenUri, @Nullable String scope, TokenRenewalSettings settings,
			Duration connectTimeout, Duration readTimeout) {
		return tokenState(tokenUri, scope, settings, connectTimeout, readTimeout, UnaryOperator.identity(),
				UnaryOperator.identity());
	}

	/**
	 * A token state wired like
	 * {@link #tokenState(String, String, TokenRenewalSettings, Duration, Duration)} that
	 * reads the time from the given clock (and schedules its waits on Reactor's parallel
	 * scheduler in real time): a test moves the clock past a token's expiry at once
	 * instead of sleeping until it, while many real threads race for the renewal.
	 */
	static PosTokenState tokenState(String tokenUri, @Nullable String scope, TokenRenewalSettings settings,
			Clock clock) {
		PosTokenResponseClient responseClient = responseClient(Duration.ofSeconds(5), Duration.ofSeconds(5));
		ClientRegistration registration = registration(tokenUri, scope);
		return new PosTokenState(registration,
				new PasswordGrantReactiveAuthorizedClientProvider(responseClient, USERNAME, PASSWORD),
				new RefreshTokenGrantReactiveAuthorizedClientProvider(responseClient), settings, clock,
				Schedulers.parallel(), InMemoryPosTokenStore.INSTANCE,
				TokenStoreKey.of(registration, AUDIENCE, USERNAME), "pos");
	}

	/**
	 * A token state wired like
	 * {@link #tokenState(String, String, TokenRenewalSettings, Duration, Duration)}, with
	 * the password and refresh providers passed through the given wrappers, so that a
	 * test can make them misbehave (throw, return odd errors) and recover. The real
	 * providers still talk to the token endpoint at {@code tokenUri}, so what reaches the
	 * server is counted from its journal.
	 */
	static PosTokenState tokenState(String tokenUri, @Nullable String scope, TokenRenewalSettings settings,
			Duration connectTimeout, Duration readTimeout,
			UnaryOperator<ReactiveOAuth2AuthorizedClientProvider> passwordWrapper,
			UnaryOperator<ReactiveOAuth2AuthorizedClientProvider> refreshWrapper) {
		PosTokenResponseClient responseClient = responseClient(connectTimeout, readTimeout);
		return new PosTokenState(registration(tokenUri, scope),
				passwordWrapper
					.apply(new PasswordGrantReactiveAuthorizedClientProvider(responseClient, USERNAME, PASSWORD)),
				refreshWrapper.apply(new RefreshTokenGrantReactiveAuthorizedClientProvider(responseClient)), settings);
	}

	private static PosTokenResponseClient responseClient(Duration connectTimeout, Duration readTimeout) {
		WebClient webClient = WebClient.builder()
			.clientConnector(ClientHttpConnectorBuilder.reactor()
				.build(new HttpClientSettings(null, connectTimeout, readTimeout, null)))
			.build();
		return new PosTokenResponseClient(webClient, TokenRequestFormat.JSON, AUDIENCE);
	}

	private static ClientRegistration registration(String tokenUri, @Nullable String scope) {
		ClientRegistration.Builder registration = ClientRegistration.withRegistrationId("pos")
			.clientId(CLIENT_ID)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(tokenUri);
		if (scope != null) {
			registration.scope(scope);
		}
		return registration.build();
	}

	/**
	 * A context runner with the pos-auth auto-configuration pointed at the given servers.
	 */
	static ApplicationContextRunner contextRunner(TokenServer tokens, WireMockServer api) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class))
			.withPropertyValues("pos.auth.token-uri=" + tokens.uri(), "pos.auth.client-id=" + CLIENT_ID,
					"pos.auth.username=" + USERNAME, "pos.auth.password=" + PASSWORD, "pos.auth.audience=" + AUDIENCE,
					"pos.api.base-url=" + apiBaseUrl(api));
	}

	static String apiBaseUrl(WireMockServer api) {
		return "http://127.0.0.1:" + api.port() + "/api/v2";
	}

	static JsonNode body(LoggedRequest request) {
		return json.readTree(request.getBodyAsString());
	}

	static String grantType(LoggedRequest request) {
		return body(request).path("grant_type").asString();
	}

	/**
	 * WireMock adds a request to its journal once the answer is sent, so a client can see
	 * an answer before the journal shows the request: poll until the journal stops
	 * changing.
	 */
	static <T> List<T> settled(java.util.function.Supplier<List<T>> journal) {
		List<T> previous = journal.get();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (System.nanoTime() < deadline) {
			sleep(150);
			List<T> current = journal.get();
			if (current.size() == previous.size()) {
				return current;
			}
			previous = current;
		}
		return previous;
	}

	/**
	 * Calls one after the other, each bounded, for the given time; each result is
	 * {@code "token <value>"}, the OAuth2 error code of a
	 * {@link ClientAuthorizationException}, or any other exception itself.
	 */
	static List<Object> callFor(PosTokenState state, Duration duration) {
		List<Object> results = new ArrayList<>();
		long end = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() < end) {
			try {
				results.add("token "
						+ state.authorizedClient().block(Duration.ofSeconds(10)).getAccessToken().getTokenValue());
			}
			catch (ClientAuthorizationException ex) {
				results.add(ex.getError().getErrorCode());
			}
			catch (RuntimeException ex) {
				results.add(ex);
			}
			sleep(2);
		}
		return results;
	}

	/**
	 * Waits until the wall clock has passed the given instant: only for the real-time
	 * end-to-end tests that prove the wiring (timeouts of the real HTTP client,
	 * BlockHound on Reactor's own threads); the lifecycle itself is checked on a
	 * controlled clock.
	 */
	static void sleepUntil(Instant instant) throws InterruptedException {
		long millis = Duration.between(Instant.now(), instant).toMillis();
		if (millis > 0) {
			Thread.sleep(millis);
		}
	}

	/**
	 * {@code grant.type/outcome/oauth2.error} of each {@code pos.auth.token.request}
	 * observation handled by the registry, in the order they started.
	 */
	static List<String> tokenObservations(TestObservationRegistry observations) {
		List<String> tags = new ArrayList<>();
		TestObservationRegistryAssert.assertThat(observations).hasHandledContextsThatSatisfy((contexts) -> {
			for (Observation.Context context : contexts) {
				if (ObservedTokenResponseClient.NAME.equals(context.getName())) {
					tags.add(tag(context, "grant.type") + "/" + tag(context, "outcome") + "/"
							+ tag(context, ObservedTokenResponseClient.ERROR_CODE));
				}
			}
		});
		return tags;
	}

	private static String tag(Observation.Context context, String key) {
		KeyValue keyValue = context.getLowCardinalityKeyValue(key);
		return (keyValue != null) ? keyValue.getValue() : "<missing>";
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A token endpoint on WireMock. It can refuse connections (the server is stopped) and
	 * come back on the same port with the same stubs; its journal survives that.
	 */
	static final class TokenServer implements AutoCloseable {

		private final TokenIssuer issuer = new TokenIssuer();

		private final List<MappingBuilder> stubs = new ArrayList<>();

		private final List<LoggedRequest> earlier = new ArrayList<>();

		private final int port;

		private @Nullable WireMockServer server;

		TokenServer() {
			this.server = wireMock(0, this.issuer);
			this.port = this.server.port();
		}

		String uri() {
			return "http://127.0.0.1:" + this.port + TOKEN_PATH;
		}

		/**
		 * Answer every token request with a new token ({@code at-N}, and {@code rt-N}
		 * when {@code refresh}).
		 */
		synchronized TokenServer issuing(int expiresIn, int delayMillis, boolean refresh) {
			return replaceStubs(post(urlPathEqualTo(TOKEN_PATH)).willReturn(issue(expiresIn, delayMillis, refresh)));
		}

		static ResponseDefinitionBuilder issue(int expiresIn, int delayMillis, boolean refresh) {
			ResponseDefinitionBuilder answer = aResponse().withTransformers(TokenIssuer.NAME)
				.withTransformerParameter("expiresIn", expiresIn)
				.withTransformerParameter("refresh", refresh);
			return (delayMillis > 0) ? answer.withFixedDelay(delayMillis) : answer;
		}

		synchronized TokenServer replaceStubs(MappingBuilder... mappings) {
			this.stubs.clear();
			if (this.server != null) {
				this.server.resetMappings();
			}
			for (MappingBuilder mapping : mappings) {
				this.stubs.add(mapping);
				if (this.server != null) {
					this.server.stubFor(mapping);
				}
			}
			return this;
		}

		/** Stop listening: token requests get "connection refused". */
		synchronized void refuseConnections() {
			if (this.server != null) {
				this.earlier.addAll(this.server.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))));
				this.server.stop();
				this.server = null;
			}
		}

		/** Listen again on the same port, with the same stubs. */
		synchronized void acceptConnections() {
			if (this.server == null) {
				this.server = wireMock(this.port, this.issuer);
				this.stubs.forEach(this.server::stubFor);
			}
		}

		/**
		 * The token requests received so far, oldest first, once the journal has settled.
		 */
		List<LoggedRequest> requests() {
			return settled(this::journal);
		}

		/** The token requests in the journal right now, oldest first. */
		synchronized List<LoggedRequest> journal() {
			List<LoggedRequest> all = new ArrayList<>(this.earlier);
			if (this.server != null) {
				all.addAll(this.server.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))));
			}
			all.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
			return all;
		}

		int count() {
			return requests().size();
		}

		long count(String grantType) {
			return requests().stream().filter((request) -> grantType.equals(grantType(request))).count();
		}

		/** How many tokens the issuing stub has handed out. */
		int issued() {
			return this.issuer.issued.get();
		}

		@Override
		public synchronized void close() {
			if (this.server != null) {
				this.server.stop();
				this.server = null;
			}
		}

	}

	/**
	 * Issues numbered tokens: {@code at-1}, {@code at-2}, ... and, when asked, refresh
	 * tokens {@code rt-1}, {@code rt-2}, ... (a new one with every answer, like a server
	 * that rotates refresh tokens).
	 */
	static final class TokenIssuer implements ResponseDefinitionTransformerV2 {

		static final String NAME = "pos-token-issuer";

		final AtomicInteger issued = new AtomicInteger();

		@Override
		public ResponseDefinition transform(ServeEvent serveEvent) {
			Parameters parameters = serveEvent.getTransformerParameters();
			int n = this.issued.incrementAndGet();
			int expiresIn = parameters.getInt("expiresIn", 60);
			boolean refresh = parameters.getBoolean("refresh", false);
			String body = "{\"access_token\":\"at-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
					+ (refresh ? ",\"refresh_token\":\"rt-" + n + "\"" : "") + "}";
			return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition())
				.but()
				.withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody(body)
				.build();
		}

		@Override
		public boolean applyGlobally() {
			return false;
		}

		@Override
		public String getName() {
			return NAME;
		}

	}

}
