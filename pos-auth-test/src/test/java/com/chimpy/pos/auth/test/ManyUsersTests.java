package com.chimpy.pos.auth.test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A sandbox with many users ({@code users("store", 200)} and one named user): each logs
 * in with its own password and gets tokens naming it, failed logins block only the user
 * they were for, refresh tokens stay with their user, and the journal tells whose token
 * each API request carried.
 */
class ManyUsersTests {

	private static final int STORES = 200;

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(
			PosSandbox.builder().user("owner", "owner-password").users("store", STORES).maxFailedLogins(3));

	private final HttpTestClient http = new HttpTestClient();

	private PosSandbox sandbox() {
		return extension.sandbox();
	}

	private SandboxRequests requests() {
		return new SandboxRequests(sandbox(), this.http);
	}

	@Test
	void bulkUsersAreNamedWithTheirIndexAndHaveDerivablePasswords() {
		PosSandbox sandbox = sandbox();
		assertThat(sandbox.usernames()).hasSize(STORES + 1)
			.startsWith("owner", "store-1", "store-2")
			.endsWith("store-200");
		assertThat(sandbox.password("store-17")).isEqualTo(PosSandbox.derivedPassword("store-17"))
			.isNotEqualTo(sandbox.password("store-18"));
		assertThat(sandbox.password("owner")).isEqualTo("owner-password");
		assertThatIllegalArgumentException().isThrownBy(() -> sandbox.password("store-201"));
		assertThat(sandbox.springProperties()).containsEntry("pos.auth.username", "owner")
			.containsEntry("pos.auth.password", "owner-password");
		assertThat(sandbox.toString()).contains("201 users").doesNotContain("password");
	}

	@Test
	void everyUserLogsInWithItsOwnPasswordAndGetsTokensNamingIt() throws Exception {
		for (int i = 1; i <= STORES; i++) {
			String username = "store-" + i;
			HttpResponse<String> response = requests().login(username, sandbox().password(username), null);
			assertThat(response.statusCode()).as(username).isEqualTo(200);
			String accessToken = HttpTestClient.json(response).get("access_token").asString();
			assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getSubject()).isEqualTo(username);
		}
		assertThat(sandbox().tokenRequests("password")).isEqualTo(STORES);
		assertThat(sandbox().passwordGrants("store-1")).isEqualTo(1);
		assertThat(sandbox().passwordGrants("store-200")).isEqualTo(1);
		assertThat(sandbox().passwordGrants("owner")).isZero();
	}

	@Test
	void anotherUsersPasswordIsWrong() {
		HttpResponse<String> response = requests().login("store-1", sandbox().password("store-2"), null);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(HttpTestClient.json(response).get("error").asString()).isEqualTo("invalid_grant");
		sandbox().unblockUsers();
	}

	@Test
	void wrongPasswordsBlockOnlyTheirUser() {
		try {
			for (int i = 0; i < 3; i++) {
				assertThat(requests().login("store-7", "wrong", null).statusCode()).isEqualTo(403);
			}
			HttpResponse<String> blocked = requests().login("store-7", sandbox().password("store-7"), null);
			assertThat(blocked.statusCode()).isEqualTo(429);
			assertThat(HttpTestClient.json(blocked).get("error").asString()).isEqualTo("too_many_attempts");
			assertThat(sandbox().isBlocked("store-7")).isTrue();
			for (String other : List.of("store-6", "store-8", "owner")) {
				assertThat(sandbox().isBlocked(other)).as(other).isFalse();
				assertThat(requests().login(other, sandbox().password(other), null).statusCode()).as(other)
					.isEqualTo(200);
			}
			// one wrong password for another user neither blocks it nor adds to store-7
			assertThat(requests().login("store-8", "wrong", null).statusCode()).isEqualTo(403);
			assertThat(requests().login("store-8", sandbox().password("store-8"), null).statusCode()).isEqualTo(200);

			sandbox().unblockUser("store-7");
			assertThat(sandbox().isBlocked("store-7")).isFalse();
			assertThat(requests().login("store-7", sandbox().password("store-7"), null).statusCode()).isEqualTo(200);
		}
		finally {
			sandbox().unblockUsers();
		}
	}

	@Test
	void refreshTokensStayWithTheirUser() throws Exception {
		Map<String, String> refreshTokens = new LinkedHashMap<>();
		for (String username : List.of("store-1", "store-2")) {
			HttpResponse<String> login = requests().login(username, sandbox().password(username), "offline_access");
			refreshTokens.put(username, HttpTestClient.json(login).get("refresh_token").asString());
		}
		for (Map.Entry<String, String> entry : refreshTokens.entrySet()) {
			HttpResponse<String> refreshed = requests().refresh(entry.getValue());
			assertThat(refreshed.statusCode()).isEqualTo(200);
			String accessToken = HttpTestClient.json(refreshed).get("access_token").asString();
			assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getSubject()).isEqualTo(entry.getKey());
		}
	}

	@Test
	void journalTellsWhoseTokenEachApiRequestCarried() {
		Map<String, String> accessTokens = new LinkedHashMap<>();
		for (String username : List.of("store-1", "store-2", "store-3")) {
			HttpResponse<String> login = requests().login(username, sandbox().password(username), null);
			accessTokens.put(username, HttpTestClient.json(login).get("access_token").asString());
		}
		sandbox().resetJournal();
		List<String> expected = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			for (Map.Entry<String, String> entry : accessTokens.entrySet()) {
				String path = "/whoami?caller=" + entry.getKey();
				assertThat(requests().api(path, entry.getValue()).statusCode()).isEqualTo(200);
				expected.add(entry.getKey());
			}
		}
		assertThat(requests().api("/stores", null).statusCode()).isEqualTo(401);
		assertThat(requests().api("/stores", "not-a-jwt").statusCode()).isEqualTo(401);

		List<ApiRequest> log = sandbox().apiRequestLog();
		assertThat(log).hasSize(11);
		assertThat(log.subList(0, 9)).extracting(ApiRequest::user).containsExactlyElementsOf(expected);
		assertThat(log.subList(0, 9))
			.allSatisfy((request) -> assertThat(request.url()).isEqualTo("/api/v2/whoami?caller=" + request.user()))
			.allSatisfy((request) -> assertThat(request.status()).isEqualTo(200))
			.allSatisfy((request) -> assertThat(request.method()).isEqualTo("GET"));
		assertThat(log.subList(9, 11)).extracting(ApiRequest::user).containsOnlyNulls();
		assertThat(log.subList(9, 11)).extracting(ApiRequest::status).containsOnly(401);
		assertThat(sandbox().apiRequestsOf("store-2")).isEqualTo(3);
		assertThat(sandbox().apiRequestsOf("store-4")).isZero();
	}

	@Test
	void revokedTokensAreStillAttributed() {
		HttpResponse<String> login = requests().login("store-5", sandbox().password("store-5"), null);
		String accessToken = HttpTestClient.json(login).get("access_token").asString();
		sandbox().resetJournal();
		sandbox().revokeAllTokens();
		assertThat(requests().api("/stores", accessToken).statusCode()).isEqualTo(401);
		assertThat(sandbox().apiRequestLog()).singleElement()
			.satisfies((request) -> assertThat(request.user()).isEqualTo("store-5"));
	}

	@Test
	void forgedTokensAreNotAttributed() {
		PosSandbox other = PosSandbox.builder().users("store", 1).build().start();
		try {
			HttpResponse<String> login = new SandboxRequests(other, this.http).login("store-1",
					other.password("store-1"), null);
			String foreign = HttpTestClient.json(login).get("access_token").asString();
			sandbox().resetJournal();
			assertThat(requests().api("/stores", foreign).statusCode()).isEqualTo(401);
			assertThat(sandbox().apiRequestLog()).singleElement()
				.satisfies((request) -> assertThat(request.user()).isNull());
		}
		finally {
			other.close();
		}
	}

	@Test
	void bulkUsersNeedAPrefixAndACount() {
		assertThatIllegalArgumentException().isThrownBy(() -> PosSandbox.builder().users(" ", 3));
		assertThatIllegalArgumentException().isThrownBy(() -> PosSandbox.builder().users("store", 0));
		assertThatIllegalArgumentException().isThrownBy(() -> PosSandbox.builder().users("store", 2).users("store", 1))
			.withMessageContaining("store-1");
	}

}
