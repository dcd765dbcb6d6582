package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import javax.net.ssl.SSLHandshakeException;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.TokenEndpointException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * HTTPS with SSL bundles, end to end against the sandbox in HTTPS mode (self-signed
 * certificate): with {@code spring.ssl.bundle.pem.*} and {@code pos.auth.ssl-bundle} /
 * {@code pos.api.ssl-bundle} every client trusts the sandbox; without a bundle the JDK's
 * default trust refuses the certificate with an {@link SSLHandshakeException} in the
 * cause chain (and no request reaches the server); an unknown bundle name fails start-up
 * with a report naming the property.
 */
class PosSslBundleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder().https(true));

	private static final PosSandbox sandbox = extension.sandbox();

	private static ApplicationContextRunner runner(Predicate<String> keepProperty) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, WebClientAutoConfiguration.class,
					RestClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class, PosRestClientAutoConfiguration.class))
			.withPropertyValues(sandbox.springProperties()
				.entrySet()
				.stream()
				.filter((entry) -> keepProperty.test(entry.getKey()))
				.map((entry) -> entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new))
			// Fail fast when no token can be had: no retry within the wait.
			.withPropertyValues("pos.auth.max-wait=1s", "pos.auth.retry-backoff=10s");
	}

	private static ApplicationContextRunner runner() {
		return runner((name) -> true);
	}

	@Test
	void webClientAndRestClientTrustTheSandboxThroughTheBundle() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			String fromWebClient = context.getBean("posWebClient", WebClient.class)
				.get()
				.uri("/stores")
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT);
			String fromRestClient = context.getBean("posRestClient", RestClient.class)
				.get()
				.uri("/products")
				.retrieve()
				.body(String.class);
			assertThat(fromWebClient).contains("store-001");
			assertThat(fromRestClient).contains("prod-espresso");
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
			assertThat(sandbox.apiRequests(200)).isEqualTo(2);
			assertThat(sandbox.tokenRequestEvents()).as("received over TLS")
				.extracting((event) -> event.getRequest().getAbsoluteUrl())
				.singleElement(InstanceOfAssertFactories.STRING)
				.startsWith("https://");
			assertThat(sandbox.apiRequestEvents()).as("received over TLS")
				.extracting((event) -> event.getRequest().getAbsoluteUrl())
				.hasSize(2)
				.allMatch((url) -> url.startsWith("https://"));
		});
	}

	@Test
	void untrustedCertificateOfTheTokenEndpointIsRefused() {
		runner((name) -> !name.contains("ssl")).run((context) -> {
			assertThat(context).hasNotFailed();
			Throwable failure = catchThrowable(() -> context.getBean("posWebClient", WebClient.class)
				.get()
				.uri("/stores")
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT));
			assertThat(failure).isInstanceOf(TokenEndpointException.class);
			assertThat(causes(failure)).hasAtLeastOneElementOfType(SSLHandshakeException.class);
			assertThat(((TokenEndpointException) failure).getError().getErrorCode())
				.isEqualTo("temporarily_unavailable");
			assertThat(failure.getMessage()).contains(sandbox.tokenUri());
			assertThat(sandbox.tokenRequests()).as("no token request gets through the handshake").isZero();
			assertThat(sandbox.apiRequests()).isZero();
			assertThat(context.getBean(PosTokenState.class).getExpiresAt()).isNull();
		});
	}

	@Test
	void untrustedCertificateOfTheTokenEndpointIsNamedInTheMessage() {
		runner((name) -> !name.contains("ssl")).run((context) -> {
			Throwable failure = catchThrowable(
					() -> context.getBean(PosTokenState.class).authorizedClient().block(TIMEOUT));
			assertThat(failure).isInstanceOf(TokenEndpointException.class);
			assertThat(failure.getMessage()).contains(sandbox.tokenUri()).contains("SSLHandshakeException");
		});
	}

	@Test
	void untrustedCertificateOfTheApiIsRefused() {
		runner((name) -> !name.equals("pos.api.ssl-bundle")).run((context) -> {
			Throwable fromWebClient = catchThrowable(() -> context.getBean("posWebClient", WebClient.class)
				.get()
				.uri("/stores")
				.retrieve()
				.bodyToMono(String.class)
				.block(TIMEOUT));
			assertThat(fromWebClient).isInstanceOf(WebClientRequestException.class);
			assertThat(causes(fromWebClient)).hasAtLeastOneElementOfType(SSLHandshakeException.class);
			Throwable fromRestClient = catchThrowable(() -> context.getBean("posRestClient", RestClient.class)
				.get()
				.uri("/stores")
				.retrieve()
				.body(String.class));
			assertThat(fromRestClient).isInstanceOf(ResourceAccessException.class);
			assertThat(causes(fromRestClient)).hasAtLeastOneElementOfType(SSLHandshakeException.class);
			assertThat(sandbox.tokenRequests()).as("the token endpoint is trusted through its own bundle").isEqualTo(1);
			assertThat(sandbox.apiRequests()).isZero();
		});
	}

	@Test
	void unknownTokenEndpointBundleFailsStartUpNamingTheProperty() {
		runner().withPropertyValues("pos.auth.ssl-bundle=no-such-bundle").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("pos.auth.ssl-bundle").contains("no-such-bundle");
			assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.no-such-bundle")
				.contains("pos.auth.ssl-bundle");
		});
	}

	@Test
	void unknownApiBundleFailsStartUpNamingTheProperty() {
		runner().withPropertyValues("pos.api.ssl-bundle=no-such-bundle").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("pos.api.ssl-bundle").contains("no-such-bundle");
			assertThat(analysis.getAction()).contains("pos.api.ssl-bundle");
		});
	}

	@Test
	void bundleNamedWithoutAnySslBundlesFailsStartUpNamingTheProperty() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class))
			.withPropertyValues(sandbox.springPropertyValues())
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("pos.auth.ssl-bundle").contains("no SSL bundles");
				assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem." + PosSandbox.SSL_BUNDLE);
			});
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new InvalidPosPropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis;
	}

}
