package com.chimpy.pos.auth.test;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.context.aot.AbstractAotProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PosSandboxPropertySourceTests {

	@Test
	void namesAreKnownWithoutStartingTheSandbox() {
		try (PosSandbox sandbox = PosSandbox.builder().clientSecret("s3cr3t-value").build()) {
			PosSandboxPropertySource source = new PosSandboxPropertySource(sandbox);

			assertThat(source.getName()).isEqualTo("posSandbox");
			assertThat(source.getPropertyNames()).containsExactly("pos.auth.token-uri", "pos.auth.client-id",
					"pos.auth.client-secret", "pos.auth.audience", "pos.auth.username", "pos.auth.password",
					"pos.auth.scope", "pos.api.base-url");
			assertThat(source.containsProperty("pos.auth.token-uri")).isTrue();
			assertThat(source.containsProperty("pos.auth.ssl-bundle")).isFalse();
			assertThat(source.getProperty("pos.auth.ssl-bundle")).isNull();
			assertThat(source.getProperty("spring.application.name")).isNull();
			assertThat(sandbox.isRunning()).isFalse();
		}
	}

	@Test
	void readingAValueStartsTheSandboxAndGivesItsProperties() {
		try (PosSandbox sandbox = PosSandbox.builder().build()) {
			PosSandboxPropertySource source = new PosSandboxPropertySource("sandbox", sandbox);

			Object tokenUri = source.getProperty("pos.auth.token-uri");

			assertThat(sandbox.isRunning()).isTrue();
			assertThat(tokenUri).isEqualTo(sandbox.tokenUri());
			assertThat(source.getPropertyNames()).containsExactlyElementsOf(sandbox.springProperties().keySet());
			for (Map.Entry<String, String> property : sandbox.springProperties().entrySet()) {
				assertThat(source.getProperty(property.getKey())).as(property.getKey()).isEqualTo(property.getValue());
			}
		}
	}

	@Test
	void httpsNamesIncludeTheSslBundleBeforeTheCertificateExists() {
		try (PosSandbox sandbox = PosSandbox.builder().https(true).build()) {
			PosSandboxPropertySource source = new PosSandboxPropertySource(sandbox);

			assertThat(source.getPropertyNames()).contains("pos.auth.ssl-bundle", "pos.api.ssl-bundle",
					"spring.ssl.bundle.pem.pos-sandbox.truststore.certificate");
			assertThat(sandbox.isRunning()).isFalse();
		}
	}

	@Test
	void aotProcessingNeverStartsTheSandbox() {
		try (PosSandbox sandbox = PosSandbox.builder().build()) {
			PosSandboxPropertySource source = new PosSandboxPropertySource(sandbox);
			Object tokenUri;
			Object baseUrl;
			Object clientId;
			System.setProperty(AbstractAotProcessor.AOT_PROCESSING, "true");
			try {
				tokenUri = source.getProperty("pos.auth.token-uri");
				baseUrl = source.getProperty("pos.api.base-url");
				clientId = source.getProperty("pos.auth.client-id");
			}
			finally {
				System.clearProperty(AbstractAotProcessor.AOT_PROCESSING);
			}

			assertThat(sandbox.isRunning()).isFalse();
			assertThat(tokenUri).isEqualTo("http://localhost:0/oauth/token");
			assertThat(baseUrl).isEqualTo("http://localhost:0/api/v2");
			assertThat(clientId).isEqualTo(PosSandbox.DEFAULT_CLIENT_ID);
			assertThat(source.getProperty("pos.auth.token-uri")).as("after AOT processing: the real value")
				.isEqualTo(sandbox.tokenUri());
		}
	}

	@Test
	void aClosedSandboxIsNotStartedAgain() {
		PosSandbox sandbox = PosSandbox.builder().build();
		PosSandboxPropertySource source = new PosSandboxPropertySource(sandbox);
		sandbox.close();

		assertThatIllegalStateException().isThrownBy(() -> source.getProperty("pos.auth.token-uri"))
			.withMessageContaining("closed");
		assertThat(sandbox.isRunning()).isFalse();
	}

}
