package com.chimpy.pos.auth.benchmarks;

import java.net.URI;
import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import com.chimpy.pos.auth.observation.ObservedTokenResponseClient;
import com.chimpy.pos.auth.token.PasswordGrantReactiveAuthorizedClientProvider;
import com.chimpy.pos.auth.token.PasswordGrantRequest;
import com.chimpy.pos.auth.token.PosTokenResponseClient;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.RefreshTokenGrantReactiveAuthorizedClientProvider;
import com.chimpy.pos.auth.token.TokenRenewalSettings;
import com.chimpy.pos.auth.token.TokenRequestFormat;
import com.chimpy.pos.auth.webclient.PosBearerExchangeFilterFunction;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.RemoveAuthorizedClientReactiveOAuth2AuthorizationFailureHandler;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One of the three clients of the PoS API under test, with its own connection pools (same
 * settings for all) and its own {@code client_id}, so that the fake server counts each
 * separately.
 */
final class Contender implements Caller, AutoCloseable {

	/**
	 * The kinds of contender.
	 */
	enum Kind {

		/** pos-auth's {@code posWebClient}, wired as the auto-configuration wires it. */
		POS_AUTH("a", "(a) pos-auth posWebClient"),

		/**
		 * Spring Security 7's stock reactive assembly (client_credentials: Security 7 has
		 * no password grant).
		 */
		STOCK("b", "(b) stock Security 7"),

		/** A plain WebClient with a fixed Authorization header: no token logic at all. */
		FIXED("c", "(c) fixed header"),

		/**
		 * For scale only (scenario 3): the fixed header of (c) set by a one-line exchange
		 * filter, the least any filter-based client does per call.
		 */
		FILTER_ONLY("f", "(c') fixed header set by a filter");

		final String key;

		final String label;

		Kind(String key, String label) {
			this.key = key;
			this.label = label;
		}

	}

	private static final String AUDIENCE = "https://pos.example.com/api";

	/**
	 * Connection pool of every client: enough connections and an unbounded queue for
	 * 1,000 concurrent calls.
	 */
	private static final int MAX_CONNECTIONS = 256;

	final Kind kind;

	final String clientId;

	final WebClient webClient;

	private final ConnectionProvider apiPool;

	private final ConnectionProvider tokenPool;

	private Contender(Kind kind, String clientId, WebClient webClient, ConnectionProvider apiPool,
			ConnectionProvider tokenPool) {
		this.kind = kind;
		this.clientId = clientId;
		this.webClient = webClient;
		this.apiPool = apiPool;
		this.tokenPool = tokenPool;
	}

	/**
	 * Build a contender.
	 * @param kind which one
	 * @param server the fake server
	 * @param scenario a short scenario name, part of the client id
	 * @param lifetime the token lifetime of the scenario (the stock providers' clock skew
	 * is a tenth of it, at most their default of 60 s; the fixed header gets a token of
	 * this lifetime)
	 * @return the contender, ready for calls
	 */
	static Contender create(Kind kind, FakePosServer server, String scenario, Duration lifetime) {
		String clientId = scenario + "-" + kind.key;
		ConnectionProvider apiPool = pool(clientId + "-api");
		ConnectionProvider tokenPool = pool(clientId + "-token");
		WebClient.Builder api = WebClient.builder().baseUrl(server.apiBaseUrl()).clientConnector(connector(apiPool));
		// pos-auth's token connector, as PosHttpClients builds it, switches off Reactor
		// Netty's transparent resend.
		HttpClient tokenHttpClient = HttpClient.create(tokenPool).responseTimeout(Duration.ofSeconds(30));
		WebClient tokenClient = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(
					(kind == Kind.POS_AUTH) ? tokenHttpClient.disableRetry(true) : tokenHttpClient))
			.build();
		WebClient webClient = switch (kind) {
			case POS_AUTH -> api.filter(posAuthFilter(server, clientId, tokenClient)).build();
			case STOCK -> api.filter(stockFilter(server, clientId, tokenClient, lifetime)).build();
			case FIXED ->
				api.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + server.issueFixedToken(clientId, lifetime))
					.build();
			case FILTER_ONLY -> {
				String token = server.issueFixedToken(clientId, lifetime);
				yield api
					.filter((request, next) -> next.exchange(
							ClientRequest.from(request).headers((headers) -> headers.setBearerAuth(token)).build()))
					.build();
			}
		};
		return new Contender(kind, clientId, webClient, apiPool, tokenPool);
	}

	/**
	 * One authorized GET of the PoS API, its body read.
	 * @param id the id
	 * @return the body of the answer
	 */
	@Override
	public Mono<String> call(long id) {
		return this.webClient.get().uri("/stores/{id}", id).retrieve().bodyToMono(String.class);
	}

	/**
	 * As {@code PosAuthAutoConfiguration} and {@code PosWebClientAutoConfiguration} wire
	 * it, with default settings and {@code pos.auth.scope=offline_access}.
	 * @param server the server
	 * @param clientId the client id
	 * @param tokenClient the token client
	 * @return pos-auth's bearer filter
	 */
	private static PosBearerExchangeFilterFunction posAuthFilter(FakePosServer server, String clientId,
			WebClient tokenClient) {
		PosTokenResponseClient responseClient = new PosTokenResponseClient(tokenClient, TokenRequestFormat.JSON,
				AUDIENCE);
		ObservedTokenResponseClient observed = new ObservedTokenResponseClient(responseClient,
				ObservationRegistry.NOOP);
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId(clientId)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(server.tokenUri())
			.scope("offline_access")
			.build();
		PosTokenState state = new PosTokenState(registration,
				new PasswordGrantReactiveAuthorizedClientProvider(observed, FakePosServer.USERNAME,
						FakePosServer.PASSWORD),
				new RefreshTokenGrantReactiveAuthorizedClientProvider(observed), TokenRenewalSettings.defaults());
		return new PosBearerExchangeFilterFunction(state, URI.create(server.apiBaseUrl()));
	}

	/**
	 * What a Spring user writes by hand on Security 7 for a service-to-service client:
	 * the authorized-client-service manager with the refresh-token and client-credentials
	 * providers, the server exchange filter with a default registration, and the failure
	 * handler that forgets a token the resource server answered 401 to.
	 * @param server the server
	 * @param clientId the client id
	 * @param tokenClient the token client
	 * @param lifetime the lifetime
	 * @return the stock exchange filter
	 */
	private static ServerOAuth2AuthorizedClientExchangeFilterFunction stockFilter(FakePosServer server, String clientId,
			WebClient tokenClient, Duration lifetime) {
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId(clientId)
			.clientSecret(FakePosServer.CLIENT_SECRET)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri(server.tokenUri())
			.build();
		InMemoryReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				registration);
		InMemoryReactiveOAuth2AuthorizedClientService clients = new InMemoryReactiveOAuth2AuthorizedClientService(
				registrations);
		WebClientReactiveClientCredentialsTokenResponseClient clientCredentials = new WebClientReactiveClientCredentialsTokenResponseClient();
		clientCredentials.setWebClient(tokenClient);
		WebClientReactiveRefreshTokenTokenResponseClient refresh = new WebClientReactiveRefreshTokenTokenResponseClient();
		refresh.setWebClient(tokenClient);
		Duration clockSkew = stockClockSkew(lifetime);
		ReactiveOAuth2AuthorizedClientProvider provider = ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
			.refreshToken((configurer) -> configurer.accessTokenResponseClient(refresh).clockSkew(clockSkew))
			.clientCredentials(
					(configurer) -> configurer.accessTokenResponseClient(clientCredentials).clockSkew(clockSkew))
			.build();
		AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(
				registrations, clients);
		manager.setAuthorizedClientProvider(provider);
		ServerOAuth2AuthorizedClientExchangeFilterFunction filter = new ServerOAuth2AuthorizedClientExchangeFilterFunction(
				manager);
		filter.setDefaultClientRegistrationId("pos");
		filter.setAuthorizationFailureHandler(
				new RemoveAuthorizedClientReactiveOAuth2AuthorizationFailureHandler((registrationId, principal,
						attributes) -> clients.removeAuthorizedClient(registrationId, principal.getName())));
		return filter;
	}

	/**
	 * The clock skew given to the stock providers: their default of 60 s, or a tenth of
	 * the token lifetime when that is shorter (with 60 s and a 5 s token every call would
	 * fetch a new token).
	 * @param lifetime the lifetime
	 * @return the clock skew for the stock providers
	 */
	static Duration stockClockSkew(Duration lifetime) {
		Duration tenth = lifetime.dividedBy(10);
		Duration stockDefault = Duration.ofSeconds(60);
		return (tenth.compareTo(stockDefault) < 0) ? tenth : stockDefault;
	}

	private static ConnectionProvider pool(String name) {
		return ConnectionProvider.builder(name)
			.maxConnections(MAX_CONNECTIONS)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofSeconds(30))
			.build();
	}

	private static ReactorClientHttpConnector connector(ConnectionProvider pool) {
		return new ReactorClientHttpConnector(HttpClient.create(pool).responseTimeout(Duration.ofSeconds(30)));
	}

	@Override
	public void close() {
		this.apiPool.disposeLater().block(Duration.ofSeconds(5));
		this.tokenPool.disposeLater().block(Duration.ofSeconds(5));
	}

}
