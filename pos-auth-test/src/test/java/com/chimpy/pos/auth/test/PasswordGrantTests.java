package com.chimpy.pos.auth.test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordGrantTests {

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder()
		.user("alice", "alice-password")
		.user("bob", "bob-password")
		.user("carol", "carol-password")
		.maxFailedLogins(3));

	private final HttpTestClient http = new HttpTestClient();

	private PosSandbox sandbox() {
		return extension.sandbox();
	}

	private SandboxRequests requests() {
		return new SandboxRequests(sandbox(), this.http);
	}

	@Test
	void jsonPasswordGrantIssuesSignedJwt() throws Exception {
		HttpResponse<String> response = requests().login("alice", "alice-password", null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		JsonNode body = HttpTestClient.json(response);
		assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
		assertThat(body.has("refresh_token")).isFalse();
		assertThat(body.has("scope")).isFalse();

		JWTClaimsSet claims = SignedJWT.parse(body.get("access_token").asString()).getJWTClaimsSet();
		assertThat(claims.getSubject()).isEqualTo("alice");
		assertThat(claims.getAudience()).containsExactly(PosSandbox.DEFAULT_AUDIENCE);
		assertThat(claims.getIssuer()).isEqualTo(sandbox().tokenUri().replace("/oauth/token", "/"));
		assertThat(claims.getJWTID()).isNotBlank();
		assertThat(claims.getIssueTime()).isNotNull();
		assertThat(claims.getExpirationTime().toInstant()).isBetween(Instant.now().plusSeconds(3590),
				Instant.now().plusSeconds(3601));
		assertThat(claims.getClaim("scope")).isEqualTo("");
	}

	@Test
	void formPasswordGrantIsAcceptedToo() {
		HttpResponse<String> response = this.http.postForm(sandbox().tokenUri(),
				SandboxRequests.passwordGrant("alice", "alice-password", "offline_access"));

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = HttpTestClient.json(response);
		assertThat(body.get("access_token").asString()).isNotBlank();
		assertThat(body.get("refresh_token").asString()).isNotBlank();
	}

	@Test
	void refreshTokenOnlyWithOfflineAccess() {
		JsonNode without = HttpTestClient.json(requests().login("alice", "alice-password", "openid profile"));
		JsonNode with = HttpTestClient.json(requests().login("alice", "alice-password", "openid offline_access"));

		assertThat(without.has("refresh_token")).isFalse();
		assertThat(without.get("scope").asString()).isEqualTo("openid profile");
		assertThat(with.get("refresh_token").asString()).hasSizeGreaterThan(30);
		assertThat(with.get("scope").asString()).isEqualTo("openid offline_access");
	}

	@Test
	void absentAudienceMeansTheDefaultAudience() throws Exception {
		Map<String, String> body = SandboxRequests.passwordGrant("alice", "alice-password", null);
		body.remove("audience");

		HttpResponse<String> response = this.http.postJson(sandbox().tokenUri(), body);

		assertThat(response.statusCode()).isEqualTo(200);
		String token = HttpTestClient.json(response).get("access_token").asString();
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getAudience()).containsExactly(PosSandbox.DEFAULT_AUDIENCE);
	}

	@Test
	void wrongPasswordIsInvalidGrant() {
		HttpResponse<String> response = requests().login("bob", "not-bobs-password", null);

		assertThat(response.statusCode()).isEqualTo(403);
		assertError(response, "invalid_grant", "Wrong email or password.");
		assertThat(requests().login("bob", "bob-password", null).statusCode()).isEqualTo(200);
	}

	@Test
	void unknownUserIsInvalidGrant() {
		assertError(requests().login("mallory", "whatever", null), "invalid_grant", "Wrong email or password.");
	}

	@Test
	void unknownClientIsAccessDenied() {
		Map<String, String> body = SandboxRequests.passwordGrant("alice", "alice-password", null);
		body.put("client_id", "someone-else");

		HttpResponse<String> response = this.http.postJson(sandbox().tokenUri(), body);

		assertThat(response.statusCode()).isEqualTo(401);
		assertError(response, "access_denied", "Unauthorized");
	}

	@Test
	void otherAudienceIsAccessDenied() {
		Map<String, String> body = SandboxRequests.passwordGrant("alice", "alice-password", null);
		body.put("audience", "https://elsewhere.example/api");

		HttpResponse<String> response = this.http.postJson(sandbox().tokenUri(), body);

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(HttpTestClient.json(response).get("error").asString()).isEqualTo("access_denied");
	}

	@Test
	void missingFieldsAreInvalidRequest() {
		for (String field : new String[] { "grant_type", "client_id", "username", "password" }) {
			Map<String, String> body = SandboxRequests.passwordGrant("alice", "alice-password", null);
			body.remove(field);

			HttpResponse<String> response = this.http.postJson(sandbox().tokenUri(), body);

			assertThat(response.statusCode()).as(field).isEqualTo(400);
			assertError(response, "invalid_request", "Missing required parameter: " + field);
		}
	}

	@Test
	void unsupportedGrantType() {
		Map<String, String> body = SandboxRequests.passwordGrant("alice", "alice-password", null);
		body.put("grant_type", "client_credentials");

		HttpResponse<String> response = this.http.postJson(sandbox().tokenUri(), body);

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(HttpTestClient.json(response).get("error").asString()).isEqualTo("unsupported_grant_type");
	}

	@Test
	void malformedBodiesAndOtherMethodsAreRefused() {
		HttpResponse<String> notJson = this.http.send(HttpRequest.newBuilder(URI.create(sandbox().tokenUri()))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{oops")));
		HttpResponse<String> plainText = this.http.send(HttpRequest.newBuilder(URI.create(sandbox().tokenUri()))
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password")));
		HttpResponse<String> get = this.http.get(sandbox().tokenUri(), null);

		assertThat(notJson.statusCode()).isEqualTo(400);
		assertThat(plainText.statusCode()).isEqualTo(400);
		assertThat(get.statusCode()).isEqualTo(405);
		assertThat(HttpTestClient.json(notJson).get("error").asString()).isEqualTo("invalid_request");
	}

	@Test
	void consecutiveFailuresBlockTheUserEvenForTheRightPassword() {
		for (int i = 0; i < 3; i++) {
			assertThat(requests().login("carol", "wrong-" + i, null).statusCode()).isEqualTo(403);
		}

		HttpResponse<String> blocked = requests().login("carol", "carol-password", null);

		assertThat(blocked.statusCode()).isEqualTo(429);
		assertError(blocked, "too_many_attempts",
				"Your account has been blocked after multiple consecutive login attempts.");
		assertThat(requests().login("alice", "alice-password", null).statusCode()).isEqualTo(200);

		sandbox().unblockUsers();
		assertThat(requests().login("carol", "carol-password", null).statusCode()).isEqualTo(200);
	}

	@Test
	void successfulLoginResetsTheFailureCount() {
		requests().login("bob", "wrong", null);
		requests().login("bob", "wrong", null);
		assertThat(requests().login("bob", "bob-password", null).statusCode()).isEqualTo(200);
		requests().login("bob", "wrong", null);
		requests().login("bob", "wrong", null);

		assertThat(requests().login("bob", "bob-password", null).statusCode()).isEqualTo(200);
	}

	@Test
	void tokenLifetimeChangesApplyToNewTokens() {
		sandbox().setTokenLifetime(java.time.Duration.ofSeconds(90));
		try {
			JsonNode body = HttpTestClient.json(requests().login("alice", "alice-password", null));
			assertThat(body.get("expires_in").asLong()).isEqualTo(90);
		}
		finally {
			sandbox().setTokenLifetime(java.time.Duration.ofHours(1));
		}
	}

	static void assertError(HttpResponse<String> response, String error, String description) {
		JsonNode body = HttpTestClient.json(response);
		assertThat(body.get("error").asString()).isEqualTo(error);
		assertThat(body.get("error_description").asString()).isEqualTo(description);
	}

}
