package com.chimpy.pos.auth.interop.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PoS API stub's judgement of a bearer token, as a resource server that asks the
 * authorization server: every request's token goes to Keycloak's token introspection
 * endpoint (RFC 7662), authenticated as the realm's {@value #CLIENT_ID} client. An active
 * token gets 200 with the user and client it was issued to; anything else gets 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"}, as the PoS API answers. So a
 * token whose session an administrator ended is refused at once, although its signature
 * and expiry are still good.
 */
final class IntrospectingApi implements ResponseDefinitionTransformerV2 {

	/**
	 * The realm's client the stub introspects as.
	 */
	static final String CLIENT_ID = "pos-api";

	/**
	 * That client's secret (a throwaway of the interop realm).
	 */
	static final String CLIENT_SECRET = "pos-api-secret";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final URI introspectionUri;

	private final String authorization;

	IntrospectingApi(URI introspectionUri, String clientId, String clientSecret) {
		this.introspectionUri = introspectionUri;
		this.authorization = "Basic "
				+ Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public String getName() {
		return "pos-api-introspection";
	}

	@Override
	public boolean applyGlobally() {
		return false;
	}

	@Override
	public ResponseDefinition transform(ServeEvent serveEvent) {
		String header = serveEvent.getRequest().getHeader("Authorization");
		if (header == null || !header.startsWith("Bearer ")) {
			return unauthorized("Bearer");
		}
		Map<String, Object> introspection;
		try {
			introspection = introspect(header.substring(7));
		}
		catch (IOException | RuntimeException ex) {
			return ResponseDefinitionBuilder.responseDefinition()
				.withStatus(502)
				.withBody("Token introspection failed: " + ex)
				.build();
		}
		if (!Boolean.TRUE.equals(introspection.get("active"))) {
			return unauthorized("Bearer error=\"invalid_token\"");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("user", introspection.get("username"));
		body.put("client", introspection.get("client_id"));
		return ResponseDefinitionBuilder.responseDefinition()
			.withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody(JsonMapper.shared().writeValueAsString(body))
			.build();
	}

	private Map<String, Object> introspect(String token) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(this.introspectionUri)
			.timeout(TIMEOUT)
			.header("Authorization", this.authorization)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(KeycloakAdmin.formEncoded(Map.of("token", token))))
			.build();
		try {
			HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IOException("Introspection answered " + response.statusCode());
			}
			return KeycloakAdmin.map(response.body());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted", ex);
		}
	}

	private static ResponseDefinition unauthorized(String challenge) {
		return ResponseDefinitionBuilder.responseDefinition()
			.withStatus(401)
			.withHeader("WWW-Authenticate", challenge)
			.build();
	}

}
