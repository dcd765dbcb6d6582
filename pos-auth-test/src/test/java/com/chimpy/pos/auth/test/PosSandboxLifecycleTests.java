package com.chimpy.pos.auth.test;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PosSandboxLifecycleTests {

	@Test
	void startIsIdempotentAndCloseStopsTheServer() {
		PosSandbox sandbox = PosSandbox.builder().build();
		assertThat(sandbox.isRunning()).isFalse();
		assertThatIllegalStateException().isThrownBy(sandbox::tokenUri).withMessageContaining("not started");

		String tokenUri = sandbox.start().tokenUri();
		assertThat(sandbox.start().tokenUri()).isEqualTo(tokenUri);
		assertThat(tokenUri).matches("http://localhost:\\d+/oauth/token");
		assertThat(sandbox.apiBaseUrl()).isEqualTo(tokenUri.replace("/oauth/token", "/api/v2"));
		assertThat(sandbox.isRunning()).isTrue();

		sandbox.close();
		sandbox.close();

		assertThat(sandbox.isRunning()).isFalse();
		assertThatExceptionOfType(HttpTestClient.UncheckedIOExceptionWrapper.class)
			.isThrownBy(() -> new HttpTestClient().get(tokenUri, null));
		assertThatIllegalStateException().isThrownBy(sandbox::start).withMessageContaining("closed");
	}

	@Test
	void springPropertiesDescribeTheSandbox() {
		try (PosSandbox sandbox = PosSandbox.builder()
			.clientId("shop-42")
			.clientSecret("s3cr3t-value")
			.audience("https://pos.example.test/api")
			.user("first", "first-password")
			.user("second", "second-password")
			.build()
			.start()) {

			Map<String, String> properties = sandbox.springProperties();

			assertThat(properties).containsExactly(Map.entry("pos.auth.token-uri", sandbox.tokenUri()),
					Map.entry("pos.auth.client-id", "shop-42"), Map.entry("pos.auth.client-secret", "s3cr3t-value"),
					Map.entry("pos.auth.audience", "https://pos.example.test/api"),
					Map.entry("pos.auth.username", "first"), Map.entry("pos.auth.password", "first-password"),
					Map.entry("pos.auth.scope", "offline_access"), Map.entry("pos.api.base-url", sandbox.apiBaseUrl()));
			assertThat(sandbox.toString()).contains("shop-42", "first", "second")
				.doesNotContain("s3cr3t-value", "first-password", "second-password");
		}
	}

	@Test
	void springPropertyValuesAreTheSpringPropertiesAsKeyValuePairs() {
		try (PosSandbox sandbox = PosSandbox.builder().clientSecret("s3cr3t-value").build().start()) {

			String[] values = sandbox.springPropertyValues();

			assertThat(values).containsExactly("pos.auth.token-uri=" + sandbox.tokenUri(),
					"pos.auth.client-id=pos-sandbox-client", "pos.auth.client-secret=s3cr3t-value",
					"pos.auth.audience=https://pos.sandbox.chimpy.test/api", "pos.auth.username=demo",
					"pos.auth.password=sandbox-password", "pos.auth.scope=offline_access",
					"pos.api.base-url=" + sandbox.apiBaseUrl());
		}
	}

	@Test
	void defaultsMatchThePublishedConstants() {
		try (PosSandbox sandbox = PosSandbox.builder().build().start()) {
			assertThat(sandbox.springProperties()).containsEntry("pos.auth.client-id", "pos-sandbox-client")
				.containsEntry("pos.auth.audience", "https://pos.sandbox.chimpy.test/api")
				.containsEntry("pos.auth.username", "demo")
				.containsEntry("pos.auth.password", "sandbox-password")
				.doesNotContainKey("pos.auth.client-secret");
			assertThat(sandbox.tokenLifetime()).isEqualTo(Duration.ofHours(1));
		}
	}

	@Test
	void clientSecretIsRequiredWhenConfigured() {
		try (PosSandbox sandbox = PosSandbox.builder().clientSecret("top-secret").build().start()) {
			HttpTestClient http = new HttpTestClient();
			Map<String, String> body = SandboxRequests.passwordGrant("demo", "sandbox-password", null);

			assertThat(http.postJson(sandbox.tokenUri(), body).statusCode()).isEqualTo(401);
			body.put("client_secret", "wrong");
			assertThat(http.postJson(sandbox.tokenUri(), body).statusCode()).isEqualTo(401);
			body.put("client_secret", "top-secret");
			assertThat(http.postJson(sandbox.tokenUri(), body).statusCode()).isEqualTo(200);

			body.remove("client_secret");
			body.remove("client_id");
			String basic = java.util.Base64.getEncoder()
				.encodeToString((PosSandbox.DEFAULT_CLIENT_ID + ":top-secret")
					.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			String form = "grant_type=password&username=demo&password=sandbox-password";
			assertThat(http
				.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sandbox.tokenUri()))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.header("Authorization", "Basic " + basic)
					.POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)))
				.statusCode()).isEqualTo(200);
		}
	}

	@Test
	void builderRejectsBadSettings() {
		PosSandbox.Builder builder = PosSandbox.builder();

		assertThatIllegalArgumentException().isThrownBy(() -> builder.clientId(" "));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.audience(""));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.tokenLifetime(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxFailedLogins(0));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.port(70000));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.user("x", ""));
		builder.user("x", "y");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.user("x", "z"))
			.withMessageContaining("already configured");
		assertThat(builder.toString()).doesNotContain("y]");
	}

	@Test
	void setTokenLifetimeRejectsNonPositiveDurations() {
		PosSandbox sandbox = PosSandbox.builder().build();

		assertThatIllegalArgumentException().isThrownBy(() -> sandbox.setTokenLifetime(Duration.ofSeconds(-1)));
	}

}
