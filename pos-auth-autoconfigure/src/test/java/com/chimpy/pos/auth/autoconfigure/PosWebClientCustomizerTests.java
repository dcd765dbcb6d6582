package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PosWebClientCustomizer} beans and Boot's {@link WebClientCustomizer} beans shape
 * {@code posWebClient}: their default headers reach the PoS API, their filters run before
 * the authentication filter (so they never see the bearer token, and run once per call
 * even when the call is replayed after a 401), and a {@code PosWebClientCustomizer}
 * leaves the application's other {@code WebClient}s alone.
 */
class PosWebClientCustomizerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	private static final PosSandbox sandbox = extension.sandbox();

	private static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class))
			.withPropertyValues(sandbox.springPropertyValues());
	}

	private static void callApi(WebClient client) {
		client.get().uri("/stores").retrieve().toBodilessEntity().block(TIMEOUT);
	}

	private static List<ServeEvent> apiRequests() {
		return sandbox.apiRequestEvents();
	}

	@Test
	void posWebClientCustomizerHeaderReachesTheApi() {
		runner()
			.withBean(PosWebClientCustomizer.class,
					() -> (builder) -> builder.defaultHeader("X-Pos-Terminal", "till-7"))
			.run((context) -> {
				callApi(context.getBean("posWebClient", WebClient.class));
				assertThat(apiRequests()).singleElement()
					.satisfies(
							(event) -> assertThat(event.getRequest().getHeader("X-Pos-Terminal")).isEqualTo("till-7"));
				assertThat(sandbox.apiRequests(200)).isEqualTo(1);
			});
	}

	@Test
	void bootWebClientCustomizerAppliesToPosWebClient() {
		runner().withBean(WebClientCustomizer.class, () -> (builder) -> builder.defaultHeader("X-App", "shop"))
			.run((context) -> {
				callApi(context.getBean("posWebClient", WebClient.class));
				assertThat(apiRequests()).singleElement()
					.satisfies((event) -> assertThat(event.getRequest().getHeader("X-App")).isEqualTo("shop"));
			});
	}

	@Test
	void customizersApplyInOrderAfterBootsOnes() {
		List<String> applied = new CopyOnWriteArrayList<>();
		runner().withBean(WebClientCustomizer.class, () -> (builder) -> applied.add("boot"))
			.withBean("second", PosWebClientCustomizer.class, () -> new Second(applied))
			.withBean("first", PosWebClientCustomizer.class, () -> new First(applied))
			.run((context) -> {
				context.getBean("posWebClient", WebClient.class);
				assertThat(applied).containsExactly("boot", "first", "second");
			});
	}

	@Test
	void customizerFiltersRunBeforeTheBearerIsAddedAndOncePerCall() {
		List<String> seen = new CopyOnWriteArrayList<>();
		ExchangeFilterFunction recorder = (request, next) -> {
			seen.add(String.valueOf(request.headers().getFirst(HttpHeaders.AUTHORIZATION)));
			return next.exchange(request);
		};
		runner().withBean(PosWebClientCustomizer.class, () -> (builder) -> builder.filter(recorder)).run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			callApi(client);
			sandbox.api().failNext(1, Fault.status(401));
			callApi(client);
			assertThat(seen).containsExactly("null", "null");
			assertThat(sandbox.apiRequests()).isEqualTo(3);
			assertThat(apiRequests())
				.allSatisfy((event) -> assertThat(event.getRequest().getHeader("Authorization")).startsWith("Bearer "));
		});
	}

	@Test
	void customizerHeadersAreReplayedAfterA401() {
		runner()
			.withBean(PosWebClientCustomizer.class,
					() -> (builder) -> builder.defaultHeader("X-Pos-Terminal", "till-7"))
			.run((context) -> {
				sandbox.api().failNext(1, Fault.status(401));
				callApi(context.getBean("posWebClient", WebClient.class));
				assertThat(apiRequests()).hasSize(2)
					.allSatisfy(
							(event) -> assertThat(event.getRequest().getHeader("X-Pos-Terminal")).isEqualTo("till-7"));
			});
	}

	@Test
	void posWebClientCustomizerLeavesOtherWebClientsAlone() {
		runner()
			.withBean(PosWebClientCustomizer.class,
					() -> (builder) -> builder.defaultHeader("X-Pos-Terminal", "till-7"))
			.run((context) -> {
				context.getBean("posWebClient", WebClient.class);
				WebClient other = context.getBean(WebClient.Builder.class).build();
				other.get()
					.uri(sandbox.apiBaseUrl() + "/stores")
					.exchangeToMono((response) -> response.releaseBody())
					.block(TIMEOUT);
				assertThat(apiRequests()).singleElement().satisfies((event) -> {
					assertThat(event.getRequest().containsHeader("X-Pos-Terminal")).isFalse();
					assertThat(event.getRequest().containsHeader("Authorization")).isFalse();
				});
				assertThat(sandbox.tokenRequests()).isZero();
			});
	}

	@Order(1)
	record First(List<String> applied) implements PosWebClientCustomizer {

		@Override
		public void customize(WebClient.Builder builder) {
			this.applied.add("first");
		}

	}

	@Order(2)
	record Second(List<String> applied) implements PosWebClientCustomizer {

		@Override
		public void customize(WebClient.Builder builder) {
			this.applied.add("second");
		}

	}

}
