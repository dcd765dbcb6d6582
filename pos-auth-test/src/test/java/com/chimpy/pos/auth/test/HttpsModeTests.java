package com.chimpy.pos.auth.test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class HttpsModeTests {

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder().https(true));

	@Test
	void servesHttpsTrustedThroughThePemCertificate() throws Exception {
		PosSandbox sandbox = extension.sandbox();
		HttpTestClient http = new HttpTestClient(sslContextTrusting(sandbox.trustCertificate()));
		SandboxRequests requests = new SandboxRequests(sandbox, http);

		assertThat(sandbox.tokenUri()).startsWith("https://localhost:").endsWith("/oauth/token");
		assertThat(sandbox.apiBaseUrl()).startsWith("https://localhost:").endsWith("/api/v2");
		String token = requests.loginDemo().get("access_token");
		assertThat(requests.api("/whoami", token).statusCode()).isEqualTo(200);
		String viaIp = sandbox.apiBaseUrl().replace("localhost", "127.0.0.1") + "/stores";
		assertThat(http.get(viaIp, token).statusCode()).isEqualTo(200);
	}

	@Test
	void faultsWorkOverHttps() throws Exception {
		PosSandbox sandbox = extension.sandbox();
		HttpTestClient http = new HttpTestClient(sslContextTrusting(sandbox.trustCertificate()));
		SandboxRequests requests = new SandboxRequests(sandbox, http);
		sandbox.tokenEndpoint().failNext(1, Fault.connectionReset()).failNext(1, Fault.serviceUnavailable(2));

		assertThatExceptionOfType(HttpTestClient.UncheckedIOExceptionWrapper.class)
			.isThrownBy(() -> requests.login("demo", "sandbox-password", null));
		assertThat(requests.login("demo", "sandbox-password", null).statusCode()).isEqualTo(503);
		assertThat(requests.login("demo", "sandbox-password", null).statusCode()).isEqualTo(200);
		assertThat(sandbox.tokenRequests("password")).isEqualTo(3);
	}

	@Test
	void certificateIsForLocalhostAndLoopback() throws Exception {
		X509Certificate certificate = readCertificate(extension.sandbox().trustCertificate());

		assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=localhost");
		assertThat(certificate.getSubjectAlternativeNames().stream().map((name) -> String.valueOf(name.get(1))))
			.contains("localhost", "127.0.0.1");
		assertThat(Files.readString(extension.sandbox().trustCertificate())).startsWith("-----BEGIN CERTIFICATE-----");
	}

	@Test
	void untrustedClientsAreRefused() {
		PosSandbox sandbox = extension.sandbox();

		assertThatExceptionOfType(HttpTestClient.UncheckedIOExceptionWrapper.class)
			.isThrownBy(() -> new HttpTestClient().get(sandbox.apiBaseUrl() + "/stores", null));
	}

	@Test
	void plainHttpIsNotServed() {
		PosSandbox sandbox = extension.sandbox();

		assertThatExceptionOfType(HttpTestClient.UncheckedIOExceptionWrapper.class)
			.isThrownBy(() -> new HttpTestClient().get(sandbox.tokenUri().replace("https:", "http:"), null));
	}

	@Test
	void springPropertiesDefineTheSslBundle() {
		PosSandbox sandbox = extension.sandbox();

		Map<String, String> properties = sandbox.springProperties();

		assertThat(properties)
			.containsEntry("spring.ssl.bundle.pem.pos-sandbox.truststore.certificate",
					"file:" + sandbox.trustCertificate().toAbsolutePath())
			.containsEntry("pos.auth.ssl-bundle", PosSandbox.SSL_BUNDLE)
			.containsEntry("pos.api.ssl-bundle", PosSandbox.SSL_BUNDLE)
			.containsEntry("pos.auth.token-uri", sandbox.tokenUri());
	}

	@Test
	void plainSandboxHasNoCertificate() {
		try (PosSandbox plain = PosSandbox.builder().build().start()) {
			assertThatIllegalStateException().isThrownBy(plain::trustCertificate).withMessageContaining("https(true)");
			assertThat(plain.springProperties()).doesNotContainKeys("pos.auth.ssl-bundle", "pos.api.ssl-bundle");
		}
	}

	static SSLContext sslContextTrusting(Path pem) throws Exception {
		KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
		trustStore.load(null, null);
		trustStore.setCertificateEntry("pos-sandbox", readCertificate(pem));
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trustStore);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trustManagers.getTrustManagers(), null);
		return context;
	}

	private static X509Certificate readCertificate(Path pem) throws Exception {
		try (InputStream in = Files.newInputStream(pem)) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
	}

}
