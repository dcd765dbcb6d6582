package com.chimpy.pos.auth.test;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = EnablePosSandboxHttpsTests.SslConfiguration.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EnablePosSandbox(https = true, clientSecret = "sandbox-client-secret")
class EnablePosSandboxHttpsTests {

	@Autowired
	PosSandbox sandbox;

	@Autowired
	Environment environment;

	@Autowired
	SslBundles sslBundles;

	@Test
	void propertiesNameTheSslBundleAndTheSecret() {
		assertThat(this.environment.getProperty("pos.auth.ssl-bundle")).isEqualTo(PosSandbox.SSL_BUNDLE);
		assertThat(this.environment.getProperty("pos.api.ssl-bundle")).isEqualTo(PosSandbox.SSL_BUNDLE);
		assertThat(this.environment.getProperty("pos.auth.client-secret")).isEqualTo("sandbox-client-secret");
		assertThat(this.environment.getProperty("pos.auth.token-uri")).startsWith("https://localhost:");
	}

	@Test
	void springSslBundleTrustsTheSandbox() {
		HttpTestClient http = new HttpTestClient(this.sslBundles.getBundle(PosSandbox.SSL_BUNDLE).createSslContext());
		java.util.Map<String, String> body = SandboxRequests.passwordGrant(PosSandbox.DEFAULT_USERNAME,
				PosSandbox.DEFAULT_PASSWORD, null);
		body.put("client_secret", "sandbox-client-secret");

		assertThat(http.postJson(this.sandbox.tokenUri(), body).statusCode()).isEqualTo(200);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SslAutoConfiguration.class)
	static class SslConfiguration {

	}

}
