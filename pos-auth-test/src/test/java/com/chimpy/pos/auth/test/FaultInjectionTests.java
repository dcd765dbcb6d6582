package com.chimpy.pos.auth.test;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FaultInjectionTests {

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension();

	private final HttpTestClient http = new HttpTestClient();

	private SandboxRequests requests;

	private String accessToken;

	@BeforeEach
	void login() {
		this.requests = new SandboxRequests(extension.sandbox(), this.http);
		this.accessToken = this.requests.loginDemo().get("access_token");
	}

	private HttpResponse<String> login(PosSandbox sandbox) {
		return this.requests.login(PosSandbox.DEFAULT_USERNAME, PosSandbox.DEFAULT_PASSWORD, "offline_access");
	}

	@Test
	void statusFaultAppliesToTheNextRequestsOnly() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(2, Fault.status(500));

		HttpResponse<String> first = login(sandbox);
		HttpResponse<String> second = login(sandbox);
		HttpResponse<String> third = login(sandbox);

		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(HttpTestClient.json(first).get("error").asString()).isEqualTo("server_error");
		assertThat(second.statusCode()).isEqualTo(500);
		assertThat(third.statusCode()).isEqualTo(200);
	}

	@Test
	void faultsApplyInOrderThenTheStandingFaultUntilCleared() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint()
			.failNext(1, Fault.status(502))
			.failNext(1, Fault.serviceUnavailable(7))
			.failAlways(Fault.status(500));

		assertThat(login(sandbox).statusCode()).isEqualTo(502);
		HttpResponse<String> unavailable = login(sandbox);
		assertThat(unavailable.statusCode()).isEqualTo(503);
		assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("7");
		assertThat(HttpTestClient.json(unavailable).get("error").asString()).isEqualTo("server_error");
		assertThat(login(sandbox).statusCode()).isEqualTo(500);
		assertThat(login(sandbox).statusCode()).isEqualTo(500);

		sandbox.tokenEndpoint().clear();

		assertThat(login(sandbox).statusCode()).isEqualTo(200);
	}

	@Test
	void tooManyRequestsCarriesRetryAfter() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(1, Fault.tooManyRequests(3));

		HttpResponse<String> response = login(sandbox);

		assertThat(response.statusCode()).isEqualTo(429);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
	}

	@Test
	void latencyDelaysTheRealAnswer() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(1, Fault.latency(Duration.ofMillis(400)));

		long start = System.nanoTime();
		HttpResponse<String> response = login(sandbox);
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.json(response).get("access_token").asString()).isNotBlank();
		assertThat(elapsedMillis).isGreaterThanOrEqualTo(380);
	}

	@Test
	void connectionResetBreaksTheConnection() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(1, Fault.connectionReset());

		assertThatExceptionOfType(HttpTestClient.UncheckedIOExceptionWrapper.class).isThrownBy(() -> login(sandbox));
		assertThat(login(sandbox).statusCode()).isEqualTo(200);
		assertThat(sandbox.tokenRequests()).isEqualTo(3);
	}

	@Test
	void malformedBodyIsNotJson() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(1, Fault.malformedBody());

		HttpResponse<String> response = login(sandbox);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> HttpTestClient.json(response));
	}

	@Test
	void missingAccessTokenAndWrongTokenType() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(1, Fault.missingAccessToken()).failNext(1, Fault.wrongTokenType());

		JsonNode missing = HttpTestClient.json(login(sandbox));
		JsonNode wrongType = HttpTestClient.json(login(sandbox));

		assertThat(missing.has("access_token")).isFalse();
		assertThat(missing.get("token_type").asString()).isEqualTo("Bearer");
		assertThat(wrongType.get("token_type").asString()).isEqualTo("mac");
	}

	@Test
	void faultedLoginsDoNotCountAsFailedLogins() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(12, Fault.status(500));
		for (int i = 0; i < 12; i++) {
			this.requests.login(PosSandbox.DEFAULT_USERNAME, "wrong", null);
		}

		assertThat(login(sandbox).statusCode()).isEqualTo(200);
	}

	@Test
	void apiFaults() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.api()
			.failNext(1, Fault.status(503))
			.failNext(1, Fault.status(401))
			.failNext(1, Fault.malformedBody())
			.failNext(1, Fault.latency(Duration.ofMillis(200)))
			.failNext(1, Fault.connectionReset());

		assertThat(this.requests.api("/stores", this.accessToken).statusCode()).isEqualTo(503);
		PosApiTests.assertUnauthorized(this.requests.api("/stores", this.accessToken));
		assertThat(this.requests.api("/stores", this.accessToken).body()).doesNotStartWith("{");
		long start = System.nanoTime();
		assertThat(this.requests.api("/stores", this.accessToken).statusCode()).isEqualTo(200);
		assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(180);
		assertThatExceptionOfType(HttpTestClient.UncheckedIOExceptionWrapper.class)
			.isThrownBy(() -> this.requests.api("/stores", this.accessToken));
		assertThat(this.requests.api("/stores", this.accessToken).statusCode()).isEqualTo(200);
	}

	@Test
	void apiFaultsDoNotTouchTheTokenEndpointAndViceVersa() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.api().failAlways(Fault.status(500));

		assertThat(login(sandbox).statusCode()).isEqualTo(200);
		assertThat(this.requests.api("/stores", this.accessToken).statusCode()).isEqualTo(500);
	}

	@Test
	void tokenOnlyFaultsAreRefusedForTheApi() {
		PosSandbox sandbox = extension.sandbox();

		assertThatIllegalArgumentException().isThrownBy(() -> sandbox.api().failNext(1, Fault.missingAccessToken()))
			.withMessageContaining("token endpoint only");
		assertThatIllegalArgumentException().isThrownBy(() -> sandbox.api().failAlways(Fault.wrongTokenType()));
	}

	@Test
	void faultArgumentsAreChecked() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.status(200));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.latency(Duration.ofMillis(-1)));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.tooManyRequests(-1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> extension.sandbox().tokenEndpoint().failNext(0, Fault.status(500)));
		assertThat(Fault.status(500)).isEqualTo(Fault.status(500)).hasToString("status(500)");
	}

}
