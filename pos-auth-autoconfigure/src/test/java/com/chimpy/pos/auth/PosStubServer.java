package com.chimpy.pos.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.json.JsonMapper;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A WireMock server on 127.0.0.1 (dynamic port) that plays both the token endpoint
 * ({@value #TOKEN_PATH}) and the PoS API (under {@value #API_PATH}), with helpers to stub
 * token answers, read the request journal and build the {@code pos.*} properties that
 * point at it.
 * <p>
 * As a JUnit extension
 * ({@code @RegisterExtension static final PosStubServer server = PosStubServer.perClass()})
 * it runs for all tests of a class and forgets stubs and requests before each test.
 */
public final class PosStubServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AutoCloseable {

	/** Path of the token endpoint. */
	public static final String TOKEN_PATH = "/oauth/token";

	/** Path of the PoS API base URL. */
	public static final String API_PATH = "/api/v2";

	/** Configured client id. */
	public static final String CLIENT_ID = "pos-client";

	/** Configured username. */
	public static final String USERNAME = "cashier@example.com";

	/** Configured password; it has characters that JSON and form encoding must escape. */
	public static final String PASSWORD = "pa ss\"w&rd=1%";

	private static final JsonMapper JSON = JsonMapper.shared();

	private final WireMockServer server;

	private PosStubServer() {
		this.server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
	}

	/**
	 * Start a server now; {@link #close()} stops it.
	 * @return the running server
	 */
	public static PosStubServer start() {
		PosStubServer stub = new PosStubServer();
		stub.server.start();
		return stub;
	}

	/**
	 * A server to register as a static JUnit extension: started before the first test of
	 * the class, reset before each test, stopped after the last.
	 * @return the server, not yet started
	 */
	public static PosStubServer perClass() {
		return new PosStubServer();
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server.start();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.server.resetAll();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.server.stop();
	}

	/**
	 * A runner with Boot's {@code WebClient} auto-configuration and both pos-auth
	 * auto-configurations.
	 * @return the runner
	 */
	public static ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class,
				PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class));
	}

	public WireMockServer wireMock() {
		return this.server;
	}

	public String url(String path) {
		return "http://127.0.0.1:" + this.server.port() + path;
	}

	public String tokenUri() {
		return url(TOKEN_PATH);
	}

	public String baseUrl() {
		return url(API_PATH);
	}

	/**
	 * The required properties pointing at this server, short waits and backoffs so that
	 * no test waits long, then the given {@code name=value} pairs, which override earlier
	 * ones of the same name.
	 * @param more further properties
	 * @return the properties
	 */
	public String[] properties(String... more) {
		List<String> properties = new ArrayList<>(List.of("pos.auth.token-uri=" + tokenUri(),
				"pos.auth.client-id=" + CLIENT_ID, "pos.auth.username=" + USERNAME, "pos.auth.password=" + PASSWORD,
				"pos.api.base-url=" + baseUrl(), "pos.auth.max-wait=3s", "pos.auth.request-timeout=3s",
				"pos.auth.retry-backoff=100ms", "pos.auth.rejection-backoff=100ms", "pos.auth.read-timeout=3s",
				"pos.api.read-timeout=3s"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	/**
	 * Answer every token request with the same token.
	 * @param answer the answer
	 */
	public void stubTokenEndpoint(ResponseDefinitionBuilder answer) {
		this.server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(answer));
	}

	/**
	 * Answer successive JSON token requests of the given grant type with the given
	 * answers in order; the last answer repeats.
	 * @param grantType {@code password} or {@code refresh_token}
	 * @param answers the answers
	 */
	public void stubGrant(String grantType, ResponseDefinitionBuilder... answers) {
		String scenario = "grant " + grantType;
		for (int i = 0; i < answers.length; i++) {
			var stub = post(urlEqualTo(TOKEN_PATH))
				.withRequestBody(matchingJsonPath("$.grant_type", equalTo(grantType)))
				.inScenario(scenario)
				.whenScenarioStateIs((i == 0) ? Scenario.STARTED : "answer " + i)
				.willReturn(answers[i]);
			if (i < answers.length - 1) {
				stub.willSetStateTo("answer " + (i + 1));
			}
			this.server.stubFor(stub);
		}
	}

	/**
	 * A successful token answer.
	 * @param accessToken the access token
	 * @param expiresIn seconds of validity
	 * @param refreshToken the refresh token, or {@code null} for none
	 * @return the answer
	 */
	public static ResponseDefinitionBuilder token(String accessToken, int expiresIn, String refreshToken) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", accessToken);
		body.put("token_type", "Bearer");
		body.put("expires_in", expiresIn);
		if (refreshToken != null) {
			body.put("refresh_token", refreshToken);
		}
		return okJson(JSON.writeValueAsString(body));
	}

	/**
	 * An OAuth2 error answer.
	 * @param status the HTTP status
	 * @param error the error code
	 * @param description the error description
	 * @return the answer
	 */
	public static ResponseDefinitionBuilder oauthError(int status, String error, String description) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(JSON.writeValueAsString(Map.of("error", error, "error_description", description)));
	}

	/**
	 * The token requests received so far, oldest first.
	 * @return the requests
	 */
	public List<LoggedRequest> tokenRequests() {
		return this.server.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH)));
	}

	/**
	 * The PoS API requests received so far, oldest first.
	 * @return the requests
	 */
	public List<LoggedRequest> apiRequests() {
		return this.server.findAll(WireMock.anyRequestedFor(urlPathMatching(API_PATH + "/.*")));
	}

	/**
	 * The grant types of the token requests so far, oldest first (JSON requests).
	 * @return the grant types
	 */
	public List<Object> grantTypes() {
		return tokenRequests().stream().map((request) -> jsonBody(request).get("grant_type")).toList();
	}

	/**
	 * The body of a JSON request as a map.
	 * @param request the request
	 * @return the JSON object
	 */
	public static Map<String, Object> jsonBody(LoggedRequest request) {
		return JSON.readValue(request.getBodyAsString(), LinkedHashMap.class);
	}

	/**
	 * The fields of a form request; fails on a repeated field.
	 * @param request the request
	 * @return the decoded fields
	 */
	public static Map<String, String> formBody(LoggedRequest request) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String pair : request.getBodyAsString().split("&")) {
			int eq = pair.indexOf('=');
			String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
			String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
			if (fields.put(name, value) != null) {
				throw new AssertionError("Form field '" + name + "' is repeated");
			}
		}
		return fields;
	}

	/**
	 * The value of the Authorization header of a request.
	 * @param request the request
	 * @return the header value, or {@code null}
	 */
	public static String authorization(LoggedRequest request) {
		return request.containsHeader("Authorization") ? request.getHeader("Authorization") : null;
	}

	@Override
	public void close() {
		this.server.stop();
	}

}
