package com.chimpy.pos.auth.test;

import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Scripted answers of the sandbox's endpoints ({@link Fault#answer(int, Map, String)} and
 * friends, queued like faults) and the {@link RefusingPort}.
 */
class ScriptedAnswersTests {

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension();

	private final HttpTestClient http = new HttpTestClient();

	private HttpResponse<String> login() {
		return new SandboxRequests(extension.sandbox(), this.http).login(PosSandbox.DEFAULT_USERNAME,
				PosSandbox.DEFAULT_PASSWORD, "offline_access");
	}

	@Test
	void rawAnswersComeInTheOrderTheyWereQueuedThenTheSandboxAnswersAgain() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint()
			.failNext(2, Fault.answer(302, Map.of("Location", "http://127.0.0.1:1/elsewhere"), ""))
			.failNext(1, Fault.answer(403, Map.of("Content-Type", "text/html"), "<html>blocked</html>"))
			.failNext(1, Fault.tokenAnswer("access-1", 60, "refresh-1").withHeader("X-RateLimit-Remaining", "4"));

		for (int i = 0; i < 2; i++) {
			HttpResponse<String> redirect = login();
			assertThat(redirect.statusCode()).isEqualTo(302);
			assertThat(redirect.headers().firstValue("Location")).hasValue("http://127.0.0.1:1/elsewhere");
		}
		HttpResponse<String> html = login();
		assertThat(html.statusCode()).isEqualTo(403);
		assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html");
		assertThat(html.body()).isEqualTo("<html>blocked</html>");
		HttpResponse<String> token = login();
		assertThat(token.statusCode()).isEqualTo(200);
		assertThat(token.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");
		assertThat(HttpTestClient.json(token).get("access_token").asString()).isEqualTo("access-1");
		assertThat(HttpTestClient.json(token).get("expires_in").asLong()).isEqualTo(60);
		assertThat(HttpTestClient.json(token).get("refresh_token").asString()).isEqualTo("refresh-1");
		assertThat(HttpTestClient.json(login()).get("access_token").asString()).isNotEqualTo("access-1");
		assertThat(sandbox.tokenRequests("password")).isEqualTo(5);
	}

	@Test
	void scriptedAnswersAreNotLogins() {
		PosSandbox sandbox = PosSandbox.builder().maxFailedLogins(1).build().start();
		try {
			sandbox.tokenEndpoint().failNext(3, Fault.oauthError(403, "invalid_grant", "Wrong email or password."));
			for (int i = 0; i < 3; i++) {
				HttpResponse<String> response = new SandboxRequests(sandbox, this.http)
					.login(PosSandbox.DEFAULT_USERNAME, "wrong", null);
				assertThat(response.statusCode()).isEqualTo(403);
				assertThat(HttpTestClient.json(response).get("error").asString()).isEqualTo("invalid_grant");
			}
			assertThat(sandbox.isBlocked(PosSandbox.DEFAULT_USERNAME)).isFalse();
		}
		finally {
			sandbox.close();
		}
	}

	@Test
	void standingAnswerRepeatsUntilCleared() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failAlways(Fault.json(400, "{}"));
		assertThat(login().statusCode()).isEqualTo(400);
		assertThat(login().statusCode()).isEqualTo(400);
		sandbox.tokenEndpoint().clear();
		assertThat(login().statusCode()).isEqualTo(200);
	}

	@Test
	void apiTakesScriptedAnswersToo() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.api().failNext(1, Fault.json(200, "{\"ok\":true}"));
		HttpResponse<String> first = this.http.get(sandbox.apiBaseUrl() + "/anything", null);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).isEqualTo("{\"ok\":true}");
		assertThat(this.http.get(sandbox.apiBaseUrl() + "/anything", null).statusCode()).isEqualTo(401);
	}

	@Test
	void delayedAnswerIsInTheJournalBeforeItIsSent() throws Exception {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(1, Fault.tokenAnswer("late", 60, null).delayed(Duration.ofSeconds(2)));
		CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(this::login);
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (sandbox.tokenRequests() == 0 && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(sandbox.tokenRequests()).as("the request is in the journal").isEqualTo(1);
		assertThat(answer).as("answered only after the delay").isNotDone();
		HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
		assertThat(HttpTestClient.json(response).get("access_token").asString()).isEqualTo("late");
	}

	@Test
	void delayedResetBreaksTheConnection() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(1, Fault.connectionReset().delayed(Duration.ofMillis(100)));
		assertThatExceptionOfType(HttpTestClient.UncheckedIOExceptionWrapper.class).isThrownBy(this::login);
		assertThat(login().statusCode()).isEqualTo(200);
	}

	@Test
	void rawAnswersAreChecked() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.answer(99, Map.of(), ""));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.answer(600, Map.of(), ""));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.oauthError(200, "x", "y"));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.status(500).delayed(Duration.ofMillis(-1)));
		assertThatIllegalStateException().isThrownBy(() -> Fault.status(500).withHeader("X", "y"));
		assertThat(Fault.json(200, "{}").delayed(Duration.ofSeconds(1)))
			.isEqualTo(Fault.json(200, "{}").delayed(Duration.ofSeconds(1)))
			.isNotEqualTo(Fault.json(200, "{}"))
			.hasToString("answer(200, headers [Content-Type]).delayed(PT1S)");
		assertThat(Fault.tokenAnswer("secret-token", 60, "secret-refresh").toString()).doesNotContain("secret");
	}

	@Test
	void refusingPortRefusesConnectionsAndKeepsThePort() {
		int port;
		try (RefusingPort refusing = RefusingPort.open()) {
			port = refusing.port();
			assertThat(refusing.url("/oauth/token")).isEqualTo("http://127.0.0.1:" + port + "/oauth/token");
			assertThatException().isThrownBy(() -> this.http.postJson(refusing.url("/oauth/token"), Map.of()))
				.withCauseInstanceOf(ConnectException.class);
			assertThatIllegalStateException().isThrownBy(() -> PosSandbox.builder().port(port).build().start())
				.withMessageContaining(Integer.toString(port));
		}
	}

}
