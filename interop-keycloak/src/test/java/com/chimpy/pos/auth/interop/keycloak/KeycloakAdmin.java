package com.chimpy.pos.auth.interop.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.json.JsonMapper;

/**
 * What the tests ask Keycloak directly, bypassing pos-auth: its admin REST API (as the
 * bootstrap administrator of the master realm) and the interop realm's token endpoint.
 */
final class KeycloakAdmin {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(TIMEOUT)
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	private final String baseUrl;

	private final String realm;

	private final String username;

	private final String password;

	KeycloakAdmin(String baseUrl, String realm, String username, String password) {
		this.baseUrl = baseUrl;
		this.realm = realm;
		this.username = username;
		this.password = password;
	}

	/**
	 * The realm's settings.
	 * @return the realm representation
	 */
	Map<String, Object> realm() {
		return map(get("/admin/realms/" + this.realm));
	}

	/**
	 * The id of a user of the realm.
	 * @param username the username
	 * @return the user's id
	 */
	String userId(String username) {
		List<?> users = list(get("/admin/realms/" + this.realm + "/users?exact=true&username="
				+ URLEncoder.encode(username, StandardCharsets.UTF_8)));
		if (users.size() != 1) {
			throw new IllegalStateException("Expected one user '" + username + "', found " + users.size());
		}
		return (String) ((Map<?, ?>) users.get(0)).get("id");
	}

	/**
	 * The user's sessions, each with its {@code id} (the {@code sid} of its tokens) and
	 * {@code clients}.
	 * @param userId the user's id
	 * @return the sessions
	 */
	List<Map<String, Object>> sessions(String userId) {
		return list(get("/admin/realms/" + this.realm + "/users/" + userId + "/sessions")).stream()
			.map(KeycloakAdmin::asMap)
			.toList();
	}

	/**
	 * End all sessions of a user, as an administrator does in the admin console ("Sign
	 * out").
	 * @param userId the user's id
	 */
	void logout(String userId) {
		HttpResponse<String> response = send(authorized("/admin/realms/" + this.realm + "/users/" + userId + "/logout")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
		expect(response, 204);
	}

	/**
	 * What brute-force detection knows about a user: {@code numFailures},
	 * {@code disabled} (temporarily locked), {@code failedLoginNotBefore}.
	 * @param userId the user's id
	 * @return the status
	 */
	Map<String, Object> bruteForceStatus(String userId) {
		return map(get("/admin/realms/" + this.realm + "/attack-detection/brute-force/users/" + userId));
	}

	/**
	 * A password grant sent straight to the realm's token endpoint, form-encoded.
	 * @param clientId the client
	 * @param username the username
	 * @param password the password
	 * @return the answer
	 */
	TokenAnswer passwordGrant(String clientId, String username, String password) {
		return token(
				Map.of("grant_type", "password", "client_id", clientId, "username", username, "password", password));
	}

	/**
	 * A refresh-token grant sent straight to the realm's token endpoint, form-encoded.
	 * @param clientId the client
	 * @param refreshToken the refresh token
	 * @return the answer
	 */
	TokenAnswer refreshGrant(String clientId, String refreshToken) {
		return token(Map.of("grant_type", "refresh_token", "client_id", clientId, "refresh_token", refreshToken));
	}

	private TokenAnswer token(Map<String, String> form) {
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(URI.create(this.baseUrl + KeycloakServer.tokenPath()))
					.timeout(TIMEOUT)
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(formEncoded(form)))
					.build());
		return new TokenAnswer(response.statusCode(), map(response.body()));
	}

	private String get(String path) {
		HttpResponse<String> response = send(authorized(path).GET().build());
		expect(response, 200);
		return response.body();
	}

	private HttpRequest.Builder authorized(String path) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(TIMEOUT)
			.header("Authorization", "Bearer " + adminToken())
			.header("Accept", "application/json");
	}

	/**
	 * A fresh token of the administrator (the master realm's tokens live a minute; the
	 * tests ask rarely).
	 */
	private String adminToken() {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "password");
		form.put("client_id", "admin-cli");
		form.put("username", this.username);
		form.put("password", this.password);
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(URI.create(this.baseUrl + "/realms/master/protocol/openid-connect/token"))
					.timeout(TIMEOUT)
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(formEncoded(form)))
					.build());
		expect(response, 200);
		return (String) map(response.body()).get("access_token");
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static void expect(HttpResponse<String> response, int status) {
		if (response.statusCode() != status) {
			throw new IllegalStateException(response.request().method() + " " + response.request().uri().getPath()
					+ " answered " + response.statusCode() + ": " + response.body());
		}
	}

	static String formEncoded(Map<String, String> form) {
		return form.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	static Map<String, Object> map(String json) {
		return asMap(JsonMapper.shared().readValue(json, Map.class));
	}

	private static List<?> list(String json) {
		return JsonMapper.shared().readValue(json, List.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> asMap(Object value) {
		return (Map<String, Object>) value;
	}

	/**
	 * An answer of the token endpoint.
	 *
	 * @param status the HTTP status
	 * @param body the JSON body
	 */
	record TokenAnswer(int status, Map<String, Object> body) {

		String refreshToken() {
			return (String) this.body.get("refresh_token");
		}

		String error() {
			return (String) this.body.get("error");
		}

	}

}
