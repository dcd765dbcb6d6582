package com.chimpy.pos.auth.test;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class RequestJournalTests {

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension();

	private final HttpTestClient http = new HttpTestClient();

	@Test
	void countersComeFromTheJournal() {
		PosSandbox sandbox = extension.sandbox();
		SandboxRequests requests = new SandboxRequests(sandbox, this.http);
		String refresh1 = requests.loginDemo().get("refresh_token");
		this.http.postForm(sandbox.tokenUri(), SandboxRequests.passwordGrant("demo", "wrong", null));
		String refresh2 = HttpTestClient.json(requests.refresh(refresh1)).get("refresh_token").asString();
		this.http.postForm(sandbox.tokenUri(), SandboxRequests.refreshGrant(refresh2));
		String token = requests.loginDemo().get("access_token");
		requests.api("/stores", token);
		requests.api("/stores/store-001", token);
		requests.api("/stores", null);
		requests.api("/nothing-here", token);

		assertThat(sandbox.tokenRequests()).isEqualTo(5);
		assertThat(sandbox.tokenRequests("password")).isEqualTo(3);
		assertThat(sandbox.tokenRequests("refresh_token")).isEqualTo(2);
		assertThat(sandbox.refreshTokensSent()).containsExactly(refresh1, refresh2);
		assertThat(sandbox.apiRequests()).isEqualTo(4);
		assertThat(sandbox.apiRequests(200)).isEqualTo(2);
		assertThat(sandbox.apiRequests(401)).isEqualTo(1);
		assertThat(sandbox.apiRequests(404)).isEqualTo(1);
		assertThat(sandbox.tokenRequestEvents()).hasSize(5);
		assertThat(sandbox.apiRequestEvents()).hasSize(4);
	}

	@Test
	void tokenRequestBodiesAreInArrivalOrder() {
		PosSandbox sandbox = extension.sandbox();
		SandboxRequests requests = new SandboxRequests(sandbox, this.http);
		requests.login("demo", "first", null);
		this.http.postForm(sandbox.tokenUri(), SandboxRequests.passwordGrant("demo", "second", "offline_access"));
		requests.login("demo", "third", null);
		sandbox.unblockUsers();

		List<Map<String, String>> bodies = sandbox.tokenRequestBodies();

		assertThat(bodies).extracting((body) -> body.get("password")).containsExactly("first", "second", "third");
		assertThat(bodies.get(1)).containsEntry("scope", "offline_access")
			.containsEntry("client_id", PosSandbox.DEFAULT_CLIENT_ID);
	}

	@Test
	void resetJournalClearsCountersButKeepsTokens() {
		PosSandbox sandbox = extension.sandbox();
		SandboxRequests requests = new SandboxRequests(sandbox, this.http);
		Map<String, String> login = requests.loginDemo();
		requests.api("/stores", login.get("access_token"));
		assertThat(sandbox.tokenRequests()).isEqualTo(1);
		assertThat(sandbox.apiRequests()).isEqualTo(1);

		sandbox.resetJournal();

		assertThat(sandbox.tokenRequests()).isZero();
		assertThat(sandbox.apiRequests()).isZero();
		assertThat(requests.api("/stores", login.get("access_token")).statusCode()).isEqualTo(200);
		assertThat(requests.refresh(login.get("refresh_token")).statusCode()).isEqualTo(200);
		assertThat(sandbox.apiRequests(200)).isEqualTo(1);
		assertThat(sandbox.tokenRequests("refresh_token")).isEqualTo(1);
	}

	@Test
	void extensionResetsTheJournalAndTheFaultsBeforeEachTest() {
		PosSandbox sandbox = extension.sandbox();
		SandboxRequests requests = new SandboxRequests(sandbox, this.http);
		requests.api("/stores", requests.loginDemo().get("access_token"));
		sandbox.tokenEndpoint().failAlways(Fault.status(503));
		assertThat(sandbox.tokenRequests()).isEqualTo(1);
		assertThat(sandbox.apiRequests()).isEqualTo(1);

		// What JUnit calls before the next test of the class
		extension.beforeEach(mock(ExtensionContext.class));

		assertThat(sandbox.tokenRequests()).isZero();
		assertThat(sandbox.apiRequests()).isZero();
		assertThat(requests.login(PosSandbox.DEFAULT_USERNAME, PosSandbox.DEFAULT_PASSWORD, null).statusCode())
			.as("the injected fault was cleared")
			.isEqualTo(200);
		assertThat(sandbox.tokenRequests()).isEqualTo(1);
	}

}
