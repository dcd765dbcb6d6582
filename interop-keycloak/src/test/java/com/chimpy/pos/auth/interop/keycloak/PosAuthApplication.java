package com.chimpy.pos.auth.interop.keycloak;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A Spring Boot application that uses nothing but the starter (and Boot's actuator, for
 * health and metrics), configured like a user would for Keycloak:
 * {@code pos.auth.request-format=form}, the token endpoint through a
 * {@link KeycloakFront}, and the PoS API stub as {@code pos.api.base-url}. The tests see
 * pos-auth only through its beans, health indicator and meters.
 */
final class PosAuthApplication implements AutoCloseable {

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

	private final ConfigurableApplicationContext context;

	private PosAuthApplication(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Start the application.
	 * @param front the token endpoint proxy and API stub
	 * @param properties {@code pos.*} properties on top of the token URI, the base URL
	 * and the form format
	 * @return the running application
	 */
	static PosAuthApplication start(KeycloakFront front, Map<String, Object> properties) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("spring.main.banner-mode", "off");
		all.put("pos.auth.token-uri", front.tokenUri());
		all.put("pos.auth.request-format", "form");
		all.put("pos.api.base-url", front.apiBaseUrl());
		all.putAll(properties);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class).main(Application.class)
			.web(WebApplicationType.NONE)
			.properties(all)
			.run();
		return new PosAuthApplication(context);
	}

	/**
	 * {@code GET} a resource of the PoS API through {@code posWebClient}.
	 * @param path the path below the base URL
	 * @return the final answer (after any replay), whatever its status
	 */
	ResponseEntity<String> get(String path) {
		return exchange(path).block(CALL_TIMEOUT);
	}

	/**
	 * {@code GET} a resource of the PoS API through {@code posWebClient} with several
	 * calls at once.
	 * @param path the path below the base URL
	 * @param calls how many calls to make, all in flight together
	 * @return the final answers, whatever their status
	 */
	List<ResponseEntity<String>> getConcurrently(String path, int calls) {
		return Flux.range(0, calls).flatMap((call) -> exchange(path), calls).collectList().block(CALL_TIMEOUT);
	}

	private Mono<ResponseEntity<String>> exchange(String path) {
		WebClient client = this.context.getBean("posWebClient", WebClient.class);
		return client.get().uri(path).exchangeToMono((response) -> response.toEntity(String.class));
	}

	/**
	 * The {@code posAuth} health indicator's current view.
	 * @return the health
	 */
	Health health() {
		return this.context.getBean("posAuthHealthIndicator", HealthIndicator.class).health();
	}

	/**
	 * The value of one of pos-auth's gauges.
	 * @param name the meter's name
	 * @return its value
	 */
	double gauge(String name) {
		return this.context.getBean(MeterRegistry.class).get(name).gauge().value();
	}

	/**
	 * The count of one of pos-auth's counters.
	 * @param name the meter's name
	 * @return its count
	 */
	double counter(String name) {
		return this.context.getBean(MeterRegistry.class).get(name).functionCounter().count();
	}

	@Override
	public void close() {
		this.context.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
