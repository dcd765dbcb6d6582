package com.chimpy.pos.auth.benchmarks;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fast fake of the authorization service and the PoS API on loopback, built on Reactor
 * Netty's {@link HttpServer} with its own event loop.
 * <p>
 * {@code POST /oauth/token} accepts the password grant (JSON or form, Auth0 style: a
 * refresh token when {@code scope} holds {@code offline_access}), the refresh-token grant
 * (rotating: a refresh token is good once) and the client-credentials grant (client
 * secret by HTTP Basic or in the body; no refresh token, as RFC 6749 4.4.3 advises). It
 * answers after a configurable latency with an opaque token of a configurable lifetime.
 * {@code GET /api/**} answers 200 with a small JSON body to a bearer token that was
 * issued, has not expired and was not revoked, and 401 otherwise.
 * <p>
 * Everything is counted here, per {@code client_id}: token requests by grant type, token
 * requests in flight, rejected token requests, API requests and 401 answers; and token
 * requests per user (password and refresh-token grants). Clients count nothing.
 * <p>
 * It knows {@link #USERNAME} and any number of further users ({@link #addUsers(Map)}).
 */
final class FakePosServer implements AutoCloseable {

	static final String USERNAME = "bench-user";

	static final String PASSWORD = "bench-password";

	static final String CLIENT_SECRET = "bench-client-secret";

	static final String[] GRANT_TYPES = { "password", "refresh_token", "client_credentials" };

	private static final String STORE_BODY = "{\"id\":\"%s\",\"name\":\"Store\",\"open\":true}";

	private final LoopResources loops = LoopResources.create("fake-pos", 2, true);

	private final DisposableServer server;

	private final Map<String, Issued> accessTokens = new ConcurrentHashMap<>();

	private final Map<String, Owner> refreshTokens = new ConcurrentHashMap<>();

	private final Map<String, String> users = new ConcurrentHashMap<>(Map.of(USERNAME, PASSWORD));

	private final Map<String, LongAdder> userTokenRequests = new ConcurrentHashMap<>();

	private final Map<String, Counters> counters = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	private volatile Duration tokenLatency = Duration.ZERO;

	private volatile Duration tokenLifetime = Duration.ofHours(1);

	private volatile int generation;

	FakePosServer() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loops)
			.route((routes) -> routes.post("/oauth/token", this::token).get("/api/**", this::api))
			.bindNow();
	}

	String tokenUri() {
		return "http://127.0.0.1:" + this.server.port() + "/oauth/token";
	}

	String apiBaseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/api/v2";
	}

	/**
	 * Set how long the token endpoint takes to answer and how long its tokens live.
	 * @param latency the latency
	 * @param lifetime the lifetime
	 */
	void configure(Duration latency, Duration lifetime) {
		this.tokenLatency = latency;
		this.tokenLifetime = lifetime;
	}

	/**
	 * Revoke every access token issued so far (refresh tokens stay valid, as after a key
	 * rotation at the resource server).
	 */
	void revokeAll() {
		this.generation++;
	}

	/**
	 * Issue an access token directly, without a token request (the fixed header of the
	 * plain {@code WebClient}).
	 * @param clientId the client id
	 * @param lifetime the lifetime
	 * @return the access token
	 */
	String issueFixedToken(String clientId, Duration lifetime) {
		return issue(clientId, lifetime, "fixed").accessToken;
	}

	/**
	 * Accept more users, each with its password; their token request counters exist from
	 * now on, so that counting them later allocates nothing.
	 * @param passwords the passwords by username
	 */
	void addUsers(Map<String, String> passwords) {
		this.users.putAll(passwords);
		passwords.keySet().forEach((user) -> this.userTokenRequests.computeIfAbsent(user, (u) -> new LongAdder()));
	}

	/**
	 * Token requests (password and refresh-token grants) the server received for a user.
	 * @param username the user
	 * @return the count
	 */
	long tokenRequestsOfUser(String username) {
		LongAdder adder = this.userTokenRequests.get(username);
		return (adder != null) ? adder.sum() : 0;
	}

	/**
	 * Forget every access and refresh token issued to a client id (the counts stay), so
	 * that a heap measurement sees the client's state without the server's copy of its
	 * tokens. Calls with a forgotten token are answered 401.
	 * @param clientId the client id
	 */
	void forgetTokens(String clientId) {
		this.accessTokens.values().removeIf((issued) -> issued.clientId.equals(clientId));
		this.refreshTokens.values().removeIf((owner) -> owner.clientId.equals(clientId));
		counters(clientId).issued.clear();
	}

	Counters counters(String clientId) {
		return this.counters.computeIfAbsent(clientId, (id) -> new Counters());
	}

	/**
	 * Forget expired and revoked tokens (they would be rejected anyway, as unknown ones
	 * are).
	 */
	void purge() {
		long now = System.nanoTime();
		int current = this.generation;
		this.accessTokens.values().removeIf((issued) -> issued.expiresAt - now <= 0 || issued.generation != current);
	}

	private Mono<Void> token(HttpServerRequest request, HttpServerResponse response) {
		long arrival = System.nanoTime();
		String contentType = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE, "");
		String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
		return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap((body) -> {
			Map<String, String> parameters = contentType.contains("json") ? json(body) : form(body);
			String clientId = parameters.getOrDefault("client_id", "");
			String secret = parameters.get("client_secret");
			if (authorization != null && authorization.startsWith("Basic ")) {
				String[] pair = new String(Base64.getDecoder().decode(authorization.substring(6)),
						StandardCharsets.UTF_8)
					.split(":", 2);
				clientId = decode(pair[0]);
				secret = (pair.length > 1) ? decode(pair[1]) : null;
			}
			String grantType = parameters.getOrDefault("grant_type", "");
			Counters counter = counters(clientId);
			counter.tokenRequest(grantType, arrival);
			String id = clientId;
			String clientSecret = secret;
			return Mono.delay(this.tokenLatency)
				.then(Mono.defer(() -> answer(response, id, clientSecret, grantType, parameters)))
				.doFinally((signal) -> counter.inFlight.decrementAndGet());
		});
	}

	private Mono<Void> answer(HttpServerResponse response, String clientId, String secret, String grantType,
			Map<String, String> parameters) {
		Duration lifetime = this.tokenLifetime;
		switch (grantType) {
			case "password" -> {
				String username = parameters.getOrDefault("username", "");
				countUser(username);
				String expected = this.users.get(username);
				if (expected == null || !expected.equals(parameters.get("password"))) {
					return rejected(response, clientId, "invalid_grant", "Wrong email or password.");
				}
				boolean offline = parameters.getOrDefault("scope", "").contains("offline_access");
				return issued(response, issue(clientId, lifetime, grantType),
						offline ? refresh(clientId, username) : null);
			}
			case "refresh_token" -> {
				Owner owner = this.refreshTokens.remove(parameters.getOrDefault("refresh_token", ""));
				if (owner == null || !owner.clientId.equals(clientId)) {
					return rejected(response, clientId, "invalid_grant", "Unknown or invalid refresh token.");
				}
				countUser(owner.username);
				return issued(response, issue(clientId, lifetime, grantType), refresh(clientId, owner.username));
			}
			case "client_credentials" -> {
				if (!CLIENT_SECRET.equals(secret)) {
					return error(response, 401, "invalid_client", "Client authentication failed.");
				}
				return issued(response, issue(clientId, lifetime, grantType), null);
			}
			default -> {
				return error(response, 400, "unsupported_grant_type", "Grant type not allowed.");
			}
		}
	}

	private Issued issue(String clientId, Duration lifetime, String grantType) {
		long now = System.nanoTime();
		Issued issued = new Issued("at-" + this.sequence.incrementAndGet() + "-" + Long.toHexString(now), clientId, now,
				now + lifetime.toNanos(), lifetime.toSeconds(), this.generation);
		this.accessTokens.put(issued.accessToken, issued);
		counters(clientId).issued.add(issued);
		return issued;
	}

	private String refresh(String clientId, String username) {
		String token = "rt-" + this.sequence.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
		this.refreshTokens.put(token, new Owner(clientId, username));
		return token;
	}

	private void countUser(String username) {
		LongAdder adder = this.userTokenRequests.get(username);
		if (adder != null) {
			adder.increment();
		}
	}

	private Mono<Void> rejected(HttpServerResponse response, String clientId, String code, String description) {
		counters(clientId).rejected.increment();
		return error(response, 403, code, description);
	}

	private static Mono<Void> issued(HttpServerResponse response, Issued issued, String refreshToken) {
		String body = "{\"access_token\":\"" + issued.accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":"
				+ issued.expiresInSeconds
				+ ((refreshToken != null) ? ",\"refresh_token\":\"" + refreshToken + "\"" : "") + "}";
		return response.status(200)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
			.sendString(Mono.just(body))
			.then();
	}

	private static Mono<Void> error(HttpServerResponse response, int status, String code, String description) {
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just("{\"error\":\"" + code + "\",\"error_description\":\"" + description + "\"}"))
			.then();
	}

	private Mono<Void> api(HttpServerRequest request, HttpServerResponse response) {
		String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
		Issued issued = (authorization != null && authorization.startsWith("Bearer "))
				? this.accessTokens.get(authorization.substring(7)) : null;
		if (issued == null) {
			return unauthorized(response, null);
		}
		Counters counter = counters(issued.clientId);
		counter.apiRequests.increment();
		if (issued.generation != this.generation || issued.expiresAt - System.nanoTime() <= 0) {
			return unauthorized(response, counter);
		}
		String uri = request.uri();
		String id = uri.substring(uri.lastIndexOf('/') + 1);
		return response.status(200)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(String.format(STORE_BODY, id)))
			.then();
	}

	private static Mono<Void> unauthorized(HttpServerResponse response, Counters counter) {
		if (counter != null) {
			counter.unauthorized.increment();
		}
		return response.status(HttpResponseStatus.UNAUTHORIZED)
			.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
			.send();
	}

	private static Map<String, String> json(String body) {
		Map<String, String> parameters = new HashMap<>();
		if (!body.isBlank()) {
			JsonMapper.shared()
				.readValue(body, Map.class)
				.forEach((k, v) -> parameters.put(String.valueOf(k), String.valueOf(v)));
		}
		return parameters;
	}

	private static Map<String, String> form(String body) {
		Map<String, String> parameters = new HashMap<>();
		for (String pair : body.split("&")) {
			if (!pair.isEmpty()) {
				int eq = pair.indexOf('=');
				parameters.put(decode((eq < 0) ? pair : pair.substring(0, eq)),
						(eq < 0) ? "" : decode(pair.substring(eq + 1)));
			}
		}
		return parameters;
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
	}

	/**
	 * One issued access token.
	 *
	 * @param accessToken the access token
	 * @param clientId the client id it was issued to
	 * @param issuedAt when it was issued, in {@link System#nanoTime()} terms
	 * @param expiresAt when it expires, in {@link System#nanoTime()} terms
	 * @param expiresInSeconds the lifetime sent in {@code expires_in}
	 * @param generation the server generation it was issued in
	 */
	record Issued(String accessToken, String clientId, long issuedAt, long expiresAt, long expiresInSeconds,
			int generation) {
	}

	/**
	 * Whom a refresh token was issued to.
	 *
	 * @param clientId the client id
	 * @param username the user
	 */
	private record Owner(String clientId, String username) {
	}

	/**
	 * What the server saw of one client id.
	 */
	static final class Counters {

		private final Map<String, LongAdder> tokenRequests = new ConcurrentHashMap<>();

		private final ConcurrentLinkedQueue<Long> tokenRequestArrivals = new ConcurrentLinkedQueue<>();

		final ConcurrentLinkedQueue<Issued> issued = new ConcurrentLinkedQueue<>();

		final AtomicInteger inFlight = new AtomicInteger();

		final AtomicInteger maxInFlight = new AtomicInteger();

		final LongAdder apiRequests = new LongAdder();

		final LongAdder unauthorized = new LongAdder();

		/**
		 * Token requests answered with an error (a reused refresh token, for example).
		 */
		final LongAdder rejected = new LongAdder();

		private void tokenRequest(String grantType, long arrival) {
			this.tokenRequests.computeIfAbsent(grantType, (g) -> new LongAdder()).increment();
			this.tokenRequestArrivals.add(arrival);
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		}

		long tokenRequests(String grantType) {
			LongAdder adder = this.tokenRequests.get(grantType);
			return (adder != null) ? adder.sum() : 0;
		}

		long tokenRequests() {
			return this.tokenRequests.values().stream().mapToLong(LongAdder::sum).sum();
		}

		/**
		 * Token requests by grant type, e.g. {@code 1 password + 3 refresh_token}.
		 * @return the token requests by grant type
		 */
		String tokenRequestsByGrant() {
			List<String> parts = new ArrayList<>();
			for (String grant : GRANT_TYPES) {
				long count = tokenRequests(grant);
				if (count > 0) {
					parts.add(count + " " + grant);
				}
			}
			return parts.isEmpty() ? "0" : String.join(" + ", parts);
		}

		List<Long> tokenRequestArrivals() {
			return new ArrayList<>(this.tokenRequestArrivals);
		}

		Map<String, Long> snapshot() {
			Map<String, Long> snapshot = new HashMap<>();
			for (String grant : GRANT_TYPES) {
				snapshot.put(grant, tokenRequests(grant));
			}
			return snapshot;
		}

	}

}
