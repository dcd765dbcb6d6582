package com.chimpy.pos.auth.test;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** Token requests as the PoS documentation shows them, for the sandbox tests. */
final class SandboxRequests {

	private final PosSandbox sandbox;

	private final HttpTestClient http;

	SandboxRequests(PosSandbox sandbox, HttpTestClient http) {
		this.sandbox = sandbox;
		this.http = http;
	}

	SandboxRequests(PosSandbox sandbox) {
		this(sandbox, new HttpTestClient());
	}

	static Map<String, String> passwordGrant(String username, String password, String scope) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("grant_type", "password");
		body.put("client_id", PosSandbox.DEFAULT_CLIENT_ID);
		body.put("audience", PosSandbox.DEFAULT_AUDIENCE);
		body.put("username", username);
		body.put("password", password);
		if (scope != null) {
			body.put("scope", scope);
		}
		return body;
	}

	static Map<String, String> refreshGrant(String refreshToken) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("grant_type", "refresh_token");
		body.put("client_id", PosSandbox.DEFAULT_CLIENT_ID);
		body.put("audience", PosSandbox.DEFAULT_AUDIENCE);
		body.put("refresh_token", refreshToken);
		return body;
	}

	HttpResponse<String> login(String username, String password, String scope) {
		return this.http.postJson(this.sandbox.tokenUri(), passwordGrant(username, password, scope));
	}

	HttpResponse<String> refresh(String refreshToken) {
		return this.http.postJson(this.sandbox.tokenUri(), refreshGrant(refreshToken));
	}

	/**
	 * Logs in as the default user with {@code offline_access} and returns the token
	 * answer.
	 */
	Map<String, String> loginDemo() {
		HttpResponse<String> response = login(PosSandbox.DEFAULT_USERNAME, PosSandbox.DEFAULT_PASSWORD,
				"offline_access");
		if (response.statusCode() != 200) {
			throw new IllegalStateException("login failed: " + response.statusCode() + " " + response.body());
		}
		Map<String, String> tokens = new LinkedHashMap<>();
		HttpTestClient.json(response)
			.properties()
			.forEach((entry) -> tokens.put(entry.getKey(), entry.getValue().asString()));
		return tokens;
	}

	HttpResponse<String> api(String path, String accessToken) {
		return this.http.get(this.sandbox.apiBaseUrl() + path, accessToken);
	}

}
