package com.chimpy.pos.auth.observation;

import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code posWebClient} keeps Boot's own HTTP client observations
 * ({@code http.client.requests}) when the application has an {@link ObservationRegistry}:
 * it is built from Boot's {@code WebClient.Builder}, to which Boot's observation
 * customizer applies.
 */
class PosWebClientHttpObservationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	private static final PosSandbox sandbox = extension.sandbox();

	@Test
	void apiCallsAreObservedAsHttpClientRequestsNextToTheTokenRequest() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
					WebClientAutoConfiguration.class, WebClientObservationAutoConfiguration.class,
					PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class))
			.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues(sandbox.springPropertyValues())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WebClient client = context.getBean("posWebClient", WebClient.class);
				client.get().uri("/stores/{id}", "store-001").retrieve().toBodilessEntity().block(TIMEOUT);
				sandbox.api().failNext(1, Fault.status(404));
				client.get().uri("/products").exchangeToMono((response) -> response.releaseBody()).block(TIMEOUT);
				TestObservationRegistryAssert.assertThat(registry)
					.hasNumberOfObservationsWithNameEqualTo("http.client.requests", 2)
					.hasNumberOfObservationsWithNameEqualTo(ObservedTokenResponseClient.NAME, 1)
					.hasAnObservation((observation) -> observation.hasNameEqualTo("http.client.requests")
						.hasLowCardinalityKeyValue("uri", "/api/v2/stores/{id}")
						.hasLowCardinalityKeyValue("method", "GET")
						.hasLowCardinalityKeyValue("status", "200")
						.hasLowCardinalityKeyValue("outcome", "SUCCESS"))
					.hasAnObservation((observation) -> observation.hasNameEqualTo("http.client.requests")
						.hasLowCardinalityKeyValue("uri", "/api/v2/products")
						.hasLowCardinalityKeyValue("status", "404")
						.hasLowCardinalityKeyValue("outcome", "CLIENT_ERROR"));
			});
	}

}
