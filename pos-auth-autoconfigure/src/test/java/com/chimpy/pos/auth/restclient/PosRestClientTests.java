package com.chimpy.pos.auth.restclient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosRestClientAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code posRestClient} in a servlet application context: token reuse, one replay after a
 * 401 with a new token (same method, headers and body), a second 401 / a 403 reaching the
 * caller, one token flight shared with {@code posWebClient}, and no token for other
 * origins. Every count comes from the sandbox's request journal.
 */
class PosRestClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	private static final PosSandbox sandbox = extension.sandbox();

	static WebApplicationContextRunner runner(PosSandbox sandbox) {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					RestClientAutoConfiguration.class, WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class, PosRestClientAutoConfiguration.class))
			.withPropertyValues(sandbox.springPropertyValues())
			// Closing a context disposes Reactor Netty's global resources; no need to
			// wait for a quiet period.
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s");
	}

	private static String authorization(ServeEvent event) {
		return event.getRequest().containsHeader("Authorization") ? event.getRequest().getHeader("Authorization")
				: null;
	}

	private static List<String> apiAuthorizations() {
		return sandbox.apiRequestEvents().stream().map(PosRestClientTests::authorization).toList();
	}

	@Test
	void tokenIsObtainedOnceAndReused() {
		runner(sandbox).run((context) -> {
			RestClient client = context.getBean("posRestClient", RestClient.class);
			for (int i = 0; i < 5; i++) {
				assertThat(client.get().uri("/stores").retrieve().body(String.class)).contains("store-001");
			}
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
			assertThat(sandbox.apiRequests(200)).isEqualTo(5);
			assertThat(apiAuthorizations()).hasSize(5).allSatisfy((value) -> assertThat(value).startsWith("Bearer "));
			assertThat(apiAuthorizations()).containsOnly(apiAuthorizations().get(0));
		});
	}

	@Test
	void unauthorizedIsReplayedOnceWithANewToken() {
		runner(sandbox).run((context) -> {
			RestClient client = context.getBean("posRestClient", RestClient.class);
			sandbox.api().failNext(1, Fault.status(401));
			ResponseEntity<String> response = client.get().uri("/whoami").retrieve().toEntity(String.class);
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(sandbox.apiRequests()).isEqualTo(2);
			assertThat(sandbox.apiRequests(401)).isEqualTo(1);
			assertThat(sandbox.apiRequests(200)).isEqualTo(1);
			List<String> authorizations = apiAuthorizations();
			assertThat(authorizations.get(1)).startsWith("Bearer ").isNotEqualTo(authorizations.get(0));
			assertThat(sandbox.tokenRequests("password")).isEqualTo(1);
			assertThat(sandbox.tokenRequests("refresh_token")).isEqualTo(1);
			// The renewed token is the one every later call uses.
			client.get().uri("/stores").retrieve().toBodilessEntity();
			assertThat(apiAuthorizations().get(2)).isEqualTo(authorizations.get(1));
			assertThat(sandbox.tokenRequests()).isEqualTo(2);
		});
	}

	@Test
	void postIsReplayedWithTheSameMethodHeadersAndBody() {
		runner(sandbox).run((context) -> {
			RestClient client = context.getBean("posRestClient", RestClient.class);
			sandbox.api().failNext(1, Fault.status(401));
			String order = "{\"store\":\"store-001\",\"items\":[{\"product\":\"prod-espresso\",\"quantity\":2}]}";
			ResponseEntity<String> response = client.post()
				.uri("/orders")
				.contentType(MediaType.APPLICATION_JSON)
				.header("X-Request-Id", "order-42")
				.body(order)
				.retrieve()
				.toEntity(String.class);
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
			List<ServeEvent> events = sandbox.apiRequestEvents();
			assertThat(events).hasSize(2);
			for (ServeEvent event : events) {
				assertThat(event.getRequest().getMethod().getName()).isEqualTo("POST");
				assertThat(event.getRequest().getUrl()).isEqualTo("/api/v2/orders");
				assertThat(event.getRequest().getBodyAsString()).isEqualTo(order);
				assertThat(event.getRequest().getHeader("X-Request-Id")).isEqualTo("order-42");
				assertThat(event.getRequest().getHeader("Content-Type")).startsWith("application/json");
			}
			assertThat(authorization(events.get(1))).isNotEqualTo(authorization(events.get(0)));
		});
	}

	@Test
	void secondUnauthorizedReachesTheCallerAfterExactlyTwoAttempts() {
		runner(sandbox).run((context) -> {
			RestClient client = context.getBean("posRestClient", RestClient.class);
			sandbox.api().failNext(2, Fault.status(401));
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
				.isThrownBy(() -> client.get().uri("/stores").retrieve().toBodilessEntity());
			assertThat(sandbox.apiRequests(401)).isEqualTo(2);
			assertThat(sandbox.apiRequests()).isEqualTo(2);
			List<String> authorizations = apiAuthorizations();
			assertThat(authorizations.get(1)).isNotEqualTo(authorizations.get(0));
		});
	}

	@Test
	void forbiddenIsNotRetried() {
		runner(sandbox).run((context) -> {
			RestClient client = context.getBean("posRestClient", RestClient.class);
			sandbox.api().failNext(1, Fault.status(403));
			assertThatExceptionOfType(HttpClientErrorException.Forbidden.class)
				.isThrownBy(() -> client.get().uri("/stores").retrieve().toBodilessEntity());
			assertThat(sandbox.apiRequests()).isEqualTo(1);
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void oneTokenFlightForConcurrentColdCallsFromBothClients() {
		runner(sandbox).run((context) -> {
			RestClient restClient = context.getBean("posRestClient", RestClient.class);
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			sandbox.tokenEndpoint().failNext(1, Fault.latency(Duration.ofMillis(400)));
			int callers = 8;
			CountDownLatch go = new CountDownLatch(1);
			ExecutorService executor = Executors.newFixedThreadPool(callers);
			try {
				List<Future<HttpStatus>> restCalls = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					Callable<HttpStatus> call = () -> {
						go.await();
						return HttpStatus.valueOf(
								restClient.get().uri("/stores").retrieve().toBodilessEntity().getStatusCode().value());
					};
					restCalls.add(executor.submit(call));
				}
				List<Mono<HttpStatus>> webCalls = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					webCalls.add(webClient.get()
						.uri("/products")
						.retrieve()
						.toBodilessEntity()
						.map((entity) -> HttpStatus.valueOf(entity.getStatusCode().value()))
						.cache());
				}
				go.countDown();
				webCalls.forEach(Mono::subscribe);
				for (Future<HttpStatus> call : restCalls) {
					assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(HttpStatus.OK);
				}
				for (Mono<HttpStatus> call : webCalls) {
					assertThat(call.block(TIMEOUT)).isEqualTo(HttpStatus.OK);
				}
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
			assertThat(sandbox.apiRequests(200)).isEqualTo(2 * callers);
			assertThat(apiAuthorizations()).containsOnly(apiAuthorizations().get(0));
		});
	}

	@Test
	void renewalThroughOneClientServesTheOther() {
		runner(sandbox).run((context) -> {
			RestClient restClient = context.getBean("posRestClient", RestClient.class);
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			webClient.get().uri("/stores").retrieve().toBodilessEntity().block(TIMEOUT);
			sandbox.api().failNext(1, Fault.status(401));
			restClient.get().uri("/stores").retrieve().toBodilessEntity();
			webClient.get().uri("/stores").retrieve().toBodilessEntity().block(TIMEOUT);
			assertThat(sandbox.tokenRequests()).isEqualTo(2);
			List<String> authorizations = apiAuthorizations();
			assertThat(authorizations).hasSize(4);
			assertThat(authorizations.get(1)).isEqualTo(authorizations.get(0));
			assertThat(authorizations.get(3)).isEqualTo(authorizations.get(2)).isNotEqualTo(authorizations.get(0));
		});
	}

	@Test
	void otherOriginsGetNoAuthorizationHeader() {
		WireMockServer other = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		other.start();
		try {
			other.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("other")));
			runner(sandbox).run((context) -> {
				RestClient client = context.getBean("posRestClient", RestClient.class);
				assertThat(client.get().uri(other.baseUrl() + "/api/v2/stores").retrieve().body(String.class))
					.isEqualTo("other");
				// Same server, other host name: another origin, so no token and no replay
				// of its 401.
				String sameServerOtherHost = sandbox.apiBaseUrl().replace("://localhost:", "://127.0.0.1:");
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
					.isThrownBy(() -> client.get().uri(sameServerOtherHost + "/stores").retrieve().toBodilessEntity());
				assertThat(other.getAllServeEvents()).hasSize(1)
					.allSatisfy((event) -> assertThat(event.getRequest().containsHeader("Authorization")).isFalse());
				assertThat(apiAuthorizations()).containsExactly((String) null);
				assertThat(sandbox.tokenRequests()).isZero();
			});
		}
		finally {
			other.stop();
		}
	}

	@Test
	void backsOffForTheApplicationsOwn() {
		RestClient own = RestClient.create();
		runner(sandbox).withBean("posRestClient", RestClient.class, () -> own)
			.run((context) -> assertThat(context).getBean("posRestClient").isSameAs(own));
	}

	@Test
	void absentWithoutBootsRestClientSupport() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class, PosRestClientAutoConfiguration.class))
			.withPropertyValues("pos.auth.token-uri=" + sandbox.tokenUri(), "pos.auth.client-id=client",
					"pos.auth.username=user", "pos.auth.password=password", "pos.api.base-url=" + sandbox.apiBaseUrl())
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.restclient.autoconfigure"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("posRestClient");
				assertThat(context).hasBean("posWebClient");
			});
	}

}
