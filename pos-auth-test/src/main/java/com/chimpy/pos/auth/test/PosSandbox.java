package com.chimpy.pos.auth.test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.jspecify.annotations.Nullable;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * An in-process simulation of the Chimpy authorization service and PoS API, for tests and
 * local runs.
 *
 * <p>
 * The authorization service answers {@code POST /oauth/token} with the resource-owner
 * password grant and the refresh-token grant (JSON or form bodies) and issues
 * RS256-signed JWT access tokens, with refresh tokens when the scope contains
 * {@code offline_access}. Refresh tokens rotate and a reused one revokes its whole
 * family. The sandbox knows one user or many ({@link Builder#user(String, String)},
 * {@link Builder#users(String, int)}); each access token names its user in {@code sub},
 * and consecutive failed logins block only the user they were for. The PoS API under
 * {@code /api/v2} accepts only valid, unexpired, unrevoked tokens of this sandbox and
 * serves a few simulated resources ({@code GET /stores}, {@code GET /stores/{id}},
 * {@code GET /products}, {@code POST /orders}, {@code GET /whoami}). The public key is
 * published at {@code /.well-known/jwks.json}.
 *
 * <p>
 * Faults and scripted answers can be queued per endpoint ({@link #tokenEndpoint()},
 * {@link #api()}), and every counter is read from the request journal of the embedded
 * WireMock server; {@link #apiRequestLog()} tells whose token each API request carried.
 * In HTTPS mode the sandbox serves HTTPS only, with a self-signed certificate for
 * {@code localhost} and {@code 127.0.0.1} (see {@link #trustCertificate()}).
 *
 * <pre>{@code
 * try (PosSandbox sandbox = PosSandbox.builder().tokenLifetime(Duration.ofMinutes(5)).build().start()) {
 *     Map<String, String> properties = sandbox.springProperties();
 *     ...
 * }
 * }</pre>
 *
 * <p>
 * Instances are thread-safe. {@link #toString()} shows no passwords, secrets or tokens.
 */
public final class PosSandbox implements AutoCloseable {

	/**
	 * The name of the SSL bundle that {@link #springProperties()} defines in HTTPS mode.
	 */
	public static final String SSL_BUNDLE = "pos-sandbox";

	/** The default client id. */
	public static final String DEFAULT_CLIENT_ID = "pos-sandbox-client";

	/** The default audience of the PoS API. */
	public static final String DEFAULT_AUDIENCE = "https://pos.sandbox.chimpy.test/api";

	/** The user name of the default user. */
	public static final String DEFAULT_USERNAME = "demo";

	/** The password of the default user (a made-up sandbox value). */
	public static final String DEFAULT_PASSWORD = "sandbox-password";

	static final String TOKEN_PATH = "/oauth/token";

	static final String JWKS_PATH = "/.well-known/jwks.json";

	private static final String LOOPBACK_ADDRESS = "127.0.0.1";

	private static final String HOST = "localhost";

	private final String clientId;

	private final @Nullable String clientSecret;

	private final String audience;

	private final Map<String, String> users;

	private final boolean https;

	private final int port;

	private final int maxFailedLogins;

	private final boolean refreshTokenRotation;

	private final Faults tokenEndpointFaults = new Faults("the token endpoint", true);

	private final Faults apiFaults = new Faults("the PoS API", false);

	private volatile Duration tokenLifetime;

	private @Nullable WireMockServer server;

	private volatile @Nullable Started started;

	private boolean closed;

	private PosSandbox(Builder builder) {
		this.clientId = builder.clientId;
		this.clientSecret = builder.clientSecret;
		this.audience = builder.audience;
		this.users = Collections.unmodifiableMap(new LinkedHashMap<>(
				builder.users.isEmpty() ? Map.of(DEFAULT_USERNAME, DEFAULT_PASSWORD) : builder.users));
		this.https = builder.https;
		this.port = builder.port;
		this.maxFailedLogins = builder.maxFailedLogins;
		this.refreshTokenRotation = builder.refreshTokenRotation;
		this.tokenLifetime = builder.tokenLifetime;
	}

	/**
	 * A builder with the defaults: client {@value #DEFAULT_CLIENT_ID} without secret,
	 * audience {@value #DEFAULT_AUDIENCE}, one user {@value #DEFAULT_USERNAME}, tokens
	 * valid for one hour, HTTP, 10 failed logins before a block, rotating refresh tokens.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the sandbox on {@code 127.0.0.1}, on a free port unless
	 * {@link Builder#port(int)} chose one. Calling it again on a started sandbox does
	 * nothing.
	 * @return this sandbox
	 * @throws IllegalStateException if the sandbox was closed or cannot start
	 */
	public synchronized PosSandbox start() {
		if (this.closed) {
			throw new IllegalStateException("This PosSandbox was closed; build a new one");
		}
		if (this.server != null) {
			return this;
		}
		AccessTokens accessTokens = new AccessTokens(() -> started().origin() + "/", this.audience, Clock.systemUTC());
		RefreshTokens refreshTokens = new RefreshTokens(this.refreshTokenRotation);
		LoginGuard logins = new LoginGuard(this.users, this.maxFailedLogins);
		TokenEndpoint tokenEndpoint = new TokenEndpoint(new TokenEndpoint.Client(this.clientId, this.clientSecret),
				this.audience, logins, accessTokens, refreshTokens, () -> this.tokenLifetime, this.tokenEndpointFaults);
		PosApi api = new PosApi(accessTokens, new SimulatedResources(), this.apiFaults);
		SelfSignedCertificate certificate = this.https ? SelfSignedCertificate.get() : null;
		WireMockServer wireMock = new WireMockServer(configuration(certificate, tokenEndpoint, api));
		try {
			wireMock.start();
		}
		catch (RuntimeException ex) {
			wireMock.stop();
			throw new IllegalStateException("Cannot start the PoS sandbox on " + LOOPBACK_ADDRESS + ":"
					+ ((this.port != 0) ? this.port : "<free port>"), ex);
		}
		int boundPort = this.https ? wireMock.httpsPort() : wireMock.port();
		this.started = new Started((this.https ? "https://" : "http://") + HOST + ":" + boundPort, certificate,
				accessTokens, refreshTokens, logins, new SandboxJournal(wireMock));
		registerStubs(wireMock, accessTokens);
		this.server = wireMock;
		return this;
	}

	private WireMockConfiguration configuration(@Nullable SelfSignedCertificate certificate,
			TokenEndpoint tokenEndpoint, PosApi api) {
		WireMockConfiguration configuration = WireMockConfiguration.options()
			.bindAddress(LOOPBACK_ADDRESS)
			.notifier(new QuietNotifier())
			.extensions(tokenEndpoint, api)
			.asynchronousResponseEnabled(true)
			.asynchronousResponseThreads(2)
			.containerThreads(24)
			.jettyStopTimeout(0L);
		if (certificate == null) {
			return configuration.port(this.port);
		}
		return configuration.httpDisabled(true)
			.httpsPort(this.port)
			.keystoreType("PKCS12")
			.keystorePath(certificate.keyStore().toString())
			.keystorePassword(certificate.password())
			.keyManagerPassword(certificate.password());
	}

	private static void registerStubs(WireMockServer wireMock, AccessTokens accessTokens) {
		wireMock.stubFor(any(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withTransformers(TokenEndpoint.NAME)));
		wireMock.stubFor(any(urlPathMatching(PosApi.BASE_PATH + "(/.*)?"))
			.willReturn(aResponse().withTransformers(PosApi.NAME)));
		wireMock.stubFor(get(urlPathEqualTo(JWKS_PATH)).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(accessTokens.jwks())));
		Answer notFound = Answer.error(404, "not_found", "The PoS sandbox has no such resource");
		wireMock.stubFor(any(anyUrl()).atPriority(10)
			.willReturn(aResponse().withStatus(404)
				.withHeader("Content-Type", "application/json")
				.withBody(notFound.body())));
	}

	/**
	 * Stops the server. The sandbox cannot be started again; calling it again does
	 * nothing.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.server != null && this.server.isRunning()) {
			this.server.stop();
		}
	}

	/**
	 * Whether the sandbox is started and not closed.
	 * @return {@code true} while it serves requests
	 */
	public synchronized boolean isRunning() {
		return this.server != null && !this.closed;
	}

	/**
	 * The token endpoint URL, e.g. {@code http://localhost:PORT/oauth/token}.
	 * @return the URL
	 */
	public String tokenUri() {
		return started().origin() + TOKEN_PATH;
	}

	/**
	 * The base URL of the PoS API, e.g. {@code http://localhost:PORT/api/v2}.
	 * @return the URL
	 */
	public String apiBaseUrl() {
		return started().origin() + PosApi.BASE_PATH;
	}

	/**
	 * The URL of the JSON Web Key Set with the public key that signs the access tokens.
	 * @return the URL
	 */
	public String jwksUri() {
		return started().origin() + JWKS_PATH;
	}

	/**
	 * The Spring properties that point the pos-auth starter at this sandbox:
	 * {@code pos.auth.token-uri}, {@code pos.auth.client-id},
	 * {@code pos.auth.client-secret} (only when set), {@code pos.auth.audience},
	 * {@code pos.auth.username} and {@code pos.auth.password} (of the first user),
	 * {@code pos.auth.scope=offline_access} and {@code pos.api.base-url}; in HTTPS mode
	 * also the SSL bundle {@value #SSL_BUNDLE} that trusts {@link #trustCertificate()}
	 * and {@code pos.auth.ssl-bundle} and {@code pos.api.ssl-bundle} naming it.
	 * @return an unmodifiable map, in a stable order
	 */
	public Map<String, String> springProperties() {
		Started state = started();
		return springProperties(state.origin(),
				(state.certificate() != null) ? "file:" + state.certificate().pem().toAbsolutePath() : null);
	}

	/**
	 * The {@link #springProperties()} of this sandbox before it is started: the same
	 * names, and the same values except that the URLs name port 0, where nothing listens,
	 * and the certificate of the SSL bundle a file that does not exist. For AOT
	 * processing, which evaluates an application's conditions at build time and must not
	 * start servers.
	 * @return an unmodifiable map, in the order of {@link #springProperties()}
	 */
	Map<String, String> springPropertiesBeforeStart() {
		return springProperties((this.https ? "https://" : "http://") + HOST + ":0",
				this.https ? "file:" + SSL_BUNDLE + "-not-started.pem" : null);
	}

	private Map<String, String> springProperties(String origin, @Nullable String certificateLocation) {
		Map.Entry<String, String> user = this.users.entrySet().iterator().next();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("pos.auth.token-uri", origin + TOKEN_PATH);
		properties.put("pos.auth.client-id", this.clientId);
		if (this.clientSecret != null) {
			properties.put("pos.auth.client-secret", this.clientSecret);
		}
		properties.put("pos.auth.audience", this.audience);
		properties.put("pos.auth.username", user.getKey());
		properties.put("pos.auth.password", user.getValue());
		properties.put("pos.auth.scope", "offline_access");
		properties.put("pos.api.base-url", origin + PosApi.BASE_PATH);
		if (certificateLocation != null) {
			properties.put("spring.ssl.bundle.pem." + SSL_BUNDLE + ".truststore.certificate", certificateLocation);
			properties.put("pos.auth.ssl-bundle", SSL_BUNDLE);
			properties.put("pos.api.ssl-bundle", SSL_BUNDLE);
		}
		return Collections.unmodifiableMap(properties);
	}

	/**
	 * The {@link #springProperties()} as {@code key=value} pairs, in the same order, for
	 * {@code ApplicationContextRunner#withPropertyValues} and {@code TestPropertyValues}.
	 * @return a new array of {@code key=value} pairs
	 */
	public String[] springPropertyValues() {
		return springProperties().entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	/**
	 * The PEM file of the self-signed certificate the sandbox serves in HTTPS mode.
	 * @return the path of the PEM file
	 * @throws IllegalStateException if the sandbox is not started or not in HTTPS mode
	 */
	public Path trustCertificate() {
		Started state = started();
		if (state.certificate() == null) {
			throw new IllegalStateException(
					"The PoS sandbox runs plain HTTP; build it with https(true) " + "to get a certificate");
		}
		return state.certificate().pem();
	}

	/**
	 * The lifetime of access tokens issued from now on.
	 * @return the lifetime
	 */
	public Duration tokenLifetime() {
		return this.tokenLifetime;
	}

	/**
	 * Sets the lifetime of access tokens issued from now on; tokens already issued keep
	 * theirs.
	 * @param lifetime a positive duration; {@code expires_in} reports it in whole
	 * seconds, at least 1
	 */
	public void setTokenLifetime(Duration lifetime) {
		this.tokenLifetime = checkLifetime(lifetime);
	}

	/**
	 * Revokes every access and refresh token issued so far: the API and the token
	 * endpoint reject them.
	 */
	public void revokeAllTokens() {
		Started state = started();
		state.accessTokens().revokeAll();
		state.refreshTokens().revokeAll();
	}

	/** Forgets the failed logins of all users, lifting every block. */
	public void unblockUsers() {
		started().logins().unblockAll();
	}

	/**
	 * Forgets the failed logins of one user, lifting its block; other users keep theirs.
	 * @param username the user name
	 */
	public void unblockUser(String username) {
		Objects.requireNonNull(username, "username must not be null");
		started().logins().unblock(username);
	}

	/**
	 * Whether a user is blocked after too many consecutive failed logins.
	 * @param username the user name
	 * @return {@code true} while the token endpoint refuses the user's password grants
	 * with {@code too_many_attempts}
	 */
	public boolean isBlocked(String username) {
		Objects.requireNonNull(username, "username must not be null");
		return started().logins().isBlocked(username);
	}

	/**
	 * The user names of the sandbox, in the order they were added.
	 * @return an unmodifiable set
	 */
	public Set<String> usernames() {
		return this.users.keySet();
	}

	/**
	 * The password of a user of this sandbox.
	 * @param username a user name of {@link #usernames()}
	 * @return the password
	 * @throws IllegalArgumentException if the sandbox has no such user
	 */
	public String password(String username) {
		String password = this.users.get(username);
		if (password == null) {
			throw new IllegalArgumentException("The PoS sandbox has no user '" + username + "'");
		}
		return password;
	}

	/**
	 * Fault injection on {@code /oauth/token}.
	 * @return the faults of the token endpoint
	 */
	public Faults tokenEndpoint() {
		return this.tokenEndpointFaults;
	}

	/**
	 * Fault injection on {@code /api/v2/**}.
	 * @return the faults of the PoS API
	 */
	public Faults api() {
		return this.apiFaults;
	}

	/** Clears the faults of both endpoints. */
	public void clearFaults() {
		this.tokenEndpointFaults.clear();
		this.apiFaults.clear();
	}

	/**
	 * All requests to {@code /oauth/token} in the journal, faulted ones included.
	 * @return the count
	 */
	public int tokenRequests() {
		return started().journal().tokenRequests().size();
	}

	/**
	 * The requests to {@code /oauth/token} in the journal with the given
	 * {@code grant_type} (JSON or form body).
	 * @param grantType e.g. {@code password} or {@code refresh_token}
	 * @return the count
	 */
	public int tokenRequests(String grantType) {
		Objects.requireNonNull(grantType, "grantType must not be null");
		return (int) tokenRequestBodies().stream().filter((body) -> grantType.equals(body.get("grant_type"))).count();
	}

	/**
	 * The fields of each token request body in the journal, in arrival order. They hold
	 * the credentials that were sent: do not log them.
	 * @return unmodifiable maps of field name to value
	 */
	public List<Map<String, String>> tokenRequestBodies() {
		return started().journal().tokenRequestBodies();
	}

	/**
	 * All requests to {@code /api/v2} in the journal, faulted ones included.
	 * @return the count
	 */
	public int apiRequests() {
		return started().journal().apiRequests().size();
	}

	/**
	 * The requests to {@code /api/v2} in the journal that were answered with
	 * {@code status}. Requests whose connection was reset have no status and are not
	 * counted.
	 * @param status an HTTP status
	 * @return the count
	 */
	public int apiRequests(int status) {
		return (int) started().journal()
			.apiRequests()
			.stream()
			.filter((event) -> SandboxJournal.status(event) == status)
			.count();
	}

	/**
	 * The {@code refresh_token} values received by the token endpoint, in arrival order,
	 * from the journal.
	 * @return an unmodifiable list
	 */
	public List<String> refreshTokensSent() {
		return tokenRequestBodies().stream()
			.filter((body) -> "refresh_token".equals(body.get("grant_type")) && body.containsKey("refresh_token"))
			.map((body) -> body.get("refresh_token"))
			.toList();
	}

	/**
	 * The requests to {@code /api/v2} in the journal, in arrival order, each with the
	 * user whose access token it carried ({@code null} for a missing, malformed or
	 * foreign token). A request appears from its arrival, before a delayed answer is
	 * sent.
	 * @return an unmodifiable list
	 */
	public List<ApiRequest> apiRequestLog() {
		Started state = started();
		List<ApiRequest> log = new ArrayList<>();
		for (ServeEvent event : state.journal().apiRequests()) {
			LoggedRequest request = event.getRequest();
			String token = PosApi.bearerToken(request.getHeader("Authorization"));
			String user = (token != null) ? state.accessTokens().subjectOf(token) : null;
			log.add(new ApiRequest(request.getMethod().getName(), request.getUrl(), user,
					SandboxJournal.status(event)));
		}
		return Collections.unmodifiableList(log);
	}

	/**
	 * The number of API requests in the journal that carried an access token of the given
	 * user.
	 * @param username the user name
	 * @return the count
	 */
	public int apiRequestsOf(String username) {
		Objects.requireNonNull(username, "username must not be null");
		return (int) apiRequestLog().stream().filter((request) -> username.equals(request.user())).count();
	}

	/**
	 * The password grants in the journal for the given user name, whatever their outcome.
	 * @param username the user name
	 * @return the count
	 */
	public int passwordGrants(String username) {
		Objects.requireNonNull(username, "username must not be null");
		return (int) tokenRequestBodies().stream()
			.filter((body) -> "password".equals(body.get("grant_type")) && username.equals(body.get("username")))
			.count();
	}

	/**
	 * Every request in the journal, whatever its path (also those the sandbox answered
	 * with 404), in arrival order.
	 * @return the serve events
	 */
	public List<ServeEvent> requestEvents() {
		return List.copyOf(started().journal().allRequests());
	}

	/**
	 * The raw WireMock journal entries of the token endpoint, in arrival order, for
	 * assertions the counters above do not cover.
	 * @return the serve events
	 */
	public List<ServeEvent> tokenRequestEvents() {
		return List.copyOf(started().journal().tokenRequests());
	}

	/**
	 * The raw WireMock journal entries of the PoS API, in arrival order.
	 * @return the serve events
	 */
	public List<ServeEvent> apiRequestEvents() {
		return List.copyOf(started().journal().apiRequests());
	}

	/**
	 * Clears the request journal and so every counter; issued tokens, blocks and faults
	 * stay.
	 */
	public void resetJournal() {
		started().journal().reset();
	}

	/**
	 * The password {@link Builder#users(String, int)} gives a user: a made-up sandbox
	 * value derived from the user name ({@code <username>-sandbox-password}).
	 * @param username the user name
	 * @return the password
	 */
	public static String derivedPassword(String username) {
		Objects.requireNonNull(username, "username must not be null");
		return username + "-sandbox-password";
	}

	private Started started() {
		Started state = this.started;
		if (state == null) {
			throw new IllegalStateException("The PoS sandbox is not started; call start() first");
		}
		return state;
	}

	private static Duration checkLifetime(Duration lifetime) {
		Objects.requireNonNull(lifetime, "tokenLifetime must not be null");
		if (lifetime.isNegative() || lifetime.isZero()) {
			throw new IllegalArgumentException("tokenLifetime must be positive, was " + lifetime);
		}
		return lifetime;
	}

	@Override
	public String toString() {
		Started state = this.started;
		return "PosSandbox[" + ((state != null) ? state.origin() : "not started") + ", clientId=" + this.clientId
				+ ", audience=" + this.audience + ", users=" + describeUsers(this.users) + ", https=" + this.https
				+ "]";
	}

	private static String describeUsers(Map<String, String> users) {
		return (users.size() <= 5) ? users.keySet().toString() : users.size() + " users";
	}

	/** What exists once the sandbox is started. */
	private record Started(String origin, @Nullable SelfSignedCertificate certificate, AccessTokens accessTokens,
			RefreshTokens refreshTokens, LoginGuard logins, SandboxJournal journal) {
	}

	/** Builds a {@link PosSandbox}; every setting has a default. */
	public static final class Builder {

		private String clientId = DEFAULT_CLIENT_ID;

		private @Nullable String clientSecret;

		private String audience = DEFAULT_AUDIENCE;

		private final Map<String, String> users = new LinkedHashMap<>();

		private Duration tokenLifetime = Duration.ofHours(1);

		private boolean https;

		private int port;

		private int maxFailedLogins = 10;

		private boolean refreshTokenRotation = true;

		private Builder() {
		}

		/**
		 * The client id the token endpoint accepts. Default
		 * {@value PosSandbox#DEFAULT_CLIENT_ID}.
		 * @param clientId not blank
		 * @return this builder
		 */
		public Builder clientId(String clientId) {
			this.clientId = requireText(clientId, "clientId");
			return this;
		}

		/**
		 * A client secret that every token request must then carry (in the body or with
		 * HTTP Basic). Default none: a public client.
		 * @param clientSecret not blank
		 * @return this builder
		 */
		public Builder clientSecret(String clientSecret) {
			this.clientSecret = requireText(clientSecret, "clientSecret");
			return this;
		}

		/**
		 * The audience of the PoS API. Default {@value PosSandbox#DEFAULT_AUDIENCE}.
		 * @param audience not blank
		 * @return this builder
		 */
		public Builder audience(String audience) {
			this.audience = requireText(audience, "audience");
			return this;
		}

		/**
		 * Adds a resource owner. Without any, the sandbox has the user
		 * {@value PosSandbox#DEFAULT_USERNAME} with the password
		 * {@value PosSandbox#DEFAULT_PASSWORD}. The first user added is the one
		 * {@link PosSandbox#springProperties()} names.
		 * @param username not blank, not added before
		 * @param password not empty
		 * @return this builder
		 */
		public Builder user(String username, String password) {
			requireText(username, "username");
			Objects.requireNonNull(password, "password must not be null");
			if (password.isEmpty()) {
				throw new IllegalArgumentException("password must not be empty");
			}
			if (this.users.containsKey(username)) {
				throw new IllegalArgumentException("user '" + username + "' is already configured");
			}
			this.users.put(username, password);
			return this;
		}

		/**
		 * Adds {@code count} users named {@code prefix-1} to {@code prefix-N}, each with
		 * the password {@link PosSandbox#derivedPassword(String)} of its name, after the
		 * users added so far. For tests with many accounts: {@code users("store", 200)}
		 * gives {@code store-1} ... {@code store-200}.
		 * @param prefix not blank
		 * @param count at least 1
		 * @return this builder
		 */
		public Builder users(String prefix, int count) {
			requireText(prefix, "prefix");
			if (count < 1) {
				throw new IllegalArgumentException("count must be at least 1, was " + count);
			}
			for (int i = 1; i <= count; i++) {
				String username = prefix + "-" + i;
				user(username, derivedPassword(username));
			}
			return this;
		}

		/**
		 * The lifetime of access tokens. Default one hour.
		 * @param tokenLifetime positive
		 * @return this builder
		 */
		public Builder tokenLifetime(Duration tokenLifetime) {
			this.tokenLifetime = checkLifetime(tokenLifetime);
			return this;
		}

		/**
		 * Whether to serve HTTPS (only) with a self-signed certificate instead of plain
		 * HTTP. Default {@code false}.
		 * @param https whether to serve HTTPS
		 * @return this builder
		 */
		public Builder https(boolean https) {
			this.https = https;
			return this;
		}

		/**
		 * The port to listen on. Default 0: a free port.
		 * @param port 0 to 65535
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
			}
			this.port = port;
			return this;
		}

		/**
		 * How many consecutive failed logins block a user. Default 10.
		 * @param maxFailedLogins at least 1
		 * @return this builder
		 */
		public Builder maxFailedLogins(int maxFailedLogins) {
			if (maxFailedLogins < 1) {
				throw new IllegalArgumentException("maxFailedLogins must be at least 1, was " + maxFailedLogins);
			}
			this.maxFailedLogins = maxFailedLogins;
			return this;
		}

		/**
		 * Whether each refresh returns a new refresh token and supersedes the used one.
		 * Default {@code true}.
		 * @param refreshTokenRotation whether refresh tokens rotate
		 * @return this builder
		 */
		public Builder refreshTokenRotation(boolean refreshTokenRotation) {
			this.refreshTokenRotation = refreshTokenRotation;
			return this;
		}

		/**
		 * Builds the sandbox, not started.
		 * @return the sandbox
		 */
		public PosSandbox build() {
			return new PosSandbox(this);
		}

		private static String requireText(String value, String name) {
			Objects.requireNonNull(value, name + " must not be null");
			if (value.isBlank()) {
				throw new IllegalArgumentException(name + " must not be blank");
			}
			return value;
		}

		@Override
		public String toString() {
			return "PosSandbox.Builder[clientId=" + this.clientId + ", audience=" + this.audience + ", users="
					+ this.users.keySet() + ", https=" + this.https + "]";
		}

	}

}
