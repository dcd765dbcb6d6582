package com.chimpy.pos.auth.test;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class RefreshTokenGrantTests {

	@RegisterExtension
	static final PosSandboxExtension rotating = new PosSandboxExtension(PosSandbox.builder());

	@RegisterExtension
	static final PosSandboxExtension fixed = new PosSandboxExtension(PosSandbox.builder().refreshTokenRotation(false));

	private final HttpTestClient http = new HttpTestClient();

	@Test
	void refreshGivesNewAccessTokenAndRotatesTheRefreshToken() {
		SandboxRequests requests = new SandboxRequests(rotating.sandbox(), this.http);
		Map<String, String> login = requests.loginDemo();

		HttpResponse<String> response = requests.refresh(login.get("refresh_token"));

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = HttpTestClient.json(response);
		assertThat(body.get("access_token").asString()).isNotEqualTo(login.get("access_token"));
		assertThat(body.get("refresh_token").asString()).isNotBlank().isNotEqualTo(login.get("refresh_token"));
		assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(body.get("scope").asString()).isEqualTo("offline_access");
		assertThat(requests.api("/whoami", body.get("access_token").asString()).statusCode()).isEqualTo(200);
	}

	@Test
	void reuseOfASupersededRefreshTokenRevokesTheWholeFamily() {
		SandboxRequests requests = new SandboxRequests(rotating.sandbox(), this.http);
		String first = requests.loginDemo().get("refresh_token");
		String second = HttpTestClient.json(requests.refresh(first)).get("refresh_token").asString();
		String third = HttpTestClient.json(requests.refresh(second)).get("refresh_token").asString();
		String otherFamily = requests.loginDemo().get("refresh_token");

		HttpResponse<String> reuse = requests.refresh(first);

		assertThat(reuse.statusCode()).isEqualTo(403);
		PasswordGrantTests.assertError(reuse, "invalid_grant", "Unknown or invalid refresh token.");
		assertThat(requests.refresh(third).statusCode()).as("newest of the family").isEqualTo(403);
		assertThat(requests.refresh(otherFamily).statusCode()).as("another login").isEqualTo(200);
	}

	@Test
	void unknownRefreshTokenIsInvalidGrant() {
		SandboxRequests requests = new SandboxRequests(rotating.sandbox(), this.http);

		HttpResponse<String> response = requests.refresh("not-a-refresh-token");

		assertThat(response.statusCode()).isEqualTo(403);
		PasswordGrantTests.assertError(response, "invalid_grant", "Unknown or invalid refresh token.");
	}

	@Test
	void missingRefreshTokenIsInvalidRequest() {
		Map<String, String> body = SandboxRequests.refreshGrant("x");
		body.remove("refresh_token");

		HttpResponse<String> response = this.http.postForm(rotating.sandbox().tokenUri(), body);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(HttpTestClient.json(response).get("error").asString()).isEqualTo("invalid_request");
	}

	@Test
	void refreshWithFormBodyAndWithoutAudience() {
		SandboxRequests requests = new SandboxRequests(rotating.sandbox(), this.http);
		Map<String, String> body = SandboxRequests.refreshGrant(requests.loginDemo().get("refresh_token"));
		body.remove("audience");

		HttpResponse<String> response = this.http.postForm(rotating.sandbox().tokenUri(), body);

		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void revokeAllTokensRejectsEveryRefreshTokenIssuedSoFar() {
		PosSandbox sandbox = rotating.sandbox();
		SandboxRequests requests = new SandboxRequests(sandbox, this.http);
		String refreshToken = requests.loginDemo().get("refresh_token");

		sandbox.revokeAllTokens();

		assertThat(requests.refresh(refreshToken).statusCode()).isEqualTo(403);
		String fresh = requests.loginDemo().get("refresh_token");
		assertThat(requests.refresh(fresh).statusCode()).isEqualTo(200);
	}

	@Test
	void withoutRotationTheRefreshTokenStaysValid() {
		SandboxRequests requests = new SandboxRequests(fixed.sandbox(), this.http);
		String refreshToken = requests.loginDemo().get("refresh_token");

		JsonNode first = HttpTestClient.json(requests.refresh(refreshToken));
		HttpResponse<String> second = requests.refresh(refreshToken);

		assertThat(first.has("refresh_token")).isFalse();
		assertThat(first.get("access_token").asString()).isNotBlank();
		assertThat(second.statusCode()).isEqualTo(200);
	}

}
