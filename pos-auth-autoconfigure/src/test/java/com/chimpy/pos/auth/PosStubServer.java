package com.chimpy.pos.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A WireMock server on 127.0.0.1 (dynamic port) that plays both the token endpoint
 * ({@value #TOKEN_PATH}) and the PoS API (under {@value #API_PATH}), with helpers to stub
 * token answers and build the {@code pos.*} properties that point at it.
 * <p>
 * Kept only for {@code PosApplicationTypeTests}, which is being reworked separately;
 * every other test uses the PoS sandbox through {@link PosSandboxFixture}, and so should
 * new ones.
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

	@Override
	public void close() {
		this.server.stop();
	}

}
