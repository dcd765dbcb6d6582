package com.chimpy.pos.auth.httpservice;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosHttpServiceClientAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.service.registry.HttpServiceGroup.ClientType;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * HTTP service clients of the group {@code pos}, end to end against the sandbox, for a
 * {@code RestClient} group and a {@code WebClient} group alike: every proxy call carries
 * the bearer token from the one shared token state (one token request for many calls,
 * shared with {@code posWebClient}), a 401 is replayed once with a new token (same
 * method, headers and body), a second 401 reaches the caller, the base URL, timeouts and
 * headers follow {@code spring.http.serviceclient.pos.*} where set and {@code pos.api.*}
 * otherwise, the token goes only to the origin of the base URL in use, and another group,
 * wherever it points, never gets a token. Every count comes from the servers' request
 * journals.
 */
class PosHttpServiceClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ORDER = "{\"storeId\":\"store-001\",\"lines\":[{\"productId\":\"prod-espresso\",\"qty\":2}]}";

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());

	private static final PosSandbox sandbox = extension.sandbox();

	/** Another sandbox on the loopback interface: another origin. */
	@RegisterExtension
	static final PosSandboxExtension elsewhereExtension = new PosSandboxExtension(PosSandbox.builder());

	private static final PosSandbox elsewhere = elsewhereExtension.sandbox();

	@BeforeEach
	void answerEverythingElsewhere() {
		elsewhere.api().failAlways(Fault.json(200, "{\"elsewhere\":true}"));
	}

	private static ApplicationContextRunner runner(ClientType clientType) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					RestClientAutoConfiguration.class, WebClientAutoConfiguration.class,
					HttpServiceClientPropertiesAutoConfiguration.class, HttpServiceClientAutoConfiguration.class,
					ReactiveHttpServiceClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class, PosHttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(
					(clientType == ClientType.WEB_CLIENT) ? WebClientPosServices.class : RestClientPosServices.class)
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
		return sandbox.apiRequestEvents().stream().map(PosHttpServiceClientTests::authorization).toList();
	}

	private static int statusOf(Throwable failure) {
		if (failure instanceof HttpClientErrorException ex) {
			return ex.getStatusCode().value();
		}
		if (failure instanceof WebClientResponseException ex) {
			return ex.getStatusCode().value();
		}
		throw new AssertionError("Not an HTTP error answer: " + failure, failure);
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void everyCallCarriesTheBearerOfOneTokenRequest(ClientType clientType) {
		runner(clientType).run((context) -> {
			StoresApi stores = context.getBean(StoresApi.class);
			for (int i = 0; i < 5; i++) {
				assertThat(stores.stores()).contains("Chimpy Central");
			}
			assertThat(sandbox.tokenRequests("password")).isEqualTo(1);
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
			assertThat(sandbox.apiRequests(200)).isEqualTo(5);
			assertThat(apiAuthorizations()).hasSize(5)
				.allSatisfy((value) -> assertThat(value).startsWith("Bearer "))
				.containsOnly(apiAuthorizations().get(0));
		});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void unauthorizedIsReplayedOnceWithTheSameMethodHeadersAndBodyAndANewToken(ClientType clientType) {
		runner(clientType).run((context) -> {
			StoresApi stores = context.getBean(StoresApi.class);
			stores.whoami();
			sandbox.api().failNext(1, Fault.status(401));
			ResponseEntity<String> created = stores.createOrder("order-42", ORDER);
			assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
			assertThat(created.getBody()).contains("\"id\":\"ord-");
			List<ServeEvent> events = sandbox.apiRequestEvents();
			assertThat(events).hasSize(3);
			assertThat(sandbox.apiRequests(401)).isEqualTo(1);
			for (ServeEvent event : events.subList(1, 3)) {
				assertThat(event.getRequest().getMethod().getName()).isEqualTo("POST");
				assertThat(event.getRequest().getUrl()).isEqualTo("/api/v2/orders");
				assertThat(event.getRequest().getBodyAsString()).isEqualTo(ORDER);
				assertThat(event.getRequest().getHeader("X-Request-Id")).isEqualTo("order-42");
				assertThat(event.getRequest().getHeader("Content-Type")).startsWith("application/json");
			}
			List<String> authorizations = apiAuthorizations();
			assertThat(authorizations.get(1)).isEqualTo(authorizations.get(0));
			assertThat(authorizations.get(2)).startsWith("Bearer ").isNotEqualTo(authorizations.get(1));
			assertThat(sandbox.tokenRequests("password")).isEqualTo(1);
			assertThat(sandbox.tokenRequests("refresh_token")).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void secondUnauthorizedReachesTheCallerAfterExactlyTwoAttempts(ClientType clientType) {
		runner(clientType).run((context) -> {
			StoresApi stores = context.getBean(StoresApi.class);
			sandbox.api().failNext(2, Fault.status(401));
			Throwable failure = catchThrowable(stores::stores);
			assertThat(statusOf(failure)).isEqualTo(401);
			assertThat(sandbox.apiRequests()).isEqualTo(2);
			assertThat(sandbox.apiRequests(401)).isEqualTo(2);
			assertThat(apiAuthorizations().get(1)).isNotEqualTo(apiAuthorizations().get(0));
			assertThat(sandbox.tokenRequests()).isEqualTo(2);
		});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void concurrentColdCallsShareOneTokenRequestWithPosWebClient(ClientType clientType) {
		runner(clientType).run((context) -> {
			StoresApi stores = context.getBean(StoresApi.class);
			WebClient posWebClient = context.getBean("posWebClient", WebClient.class);
			sandbox.tokenEndpoint().failNext(1, Fault.latency(Duration.ofMillis(400)));
			int callers = 8;
			CountDownLatch go = new CountDownLatch(1);
			ExecutorService executor = Executors.newFixedThreadPool(callers);
			try {
				List<Future<String>> calls = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					Callable<String> call = () -> {
						go.await();
						return stores.stores();
					};
					calls.add(executor.submit(call));
				}
				Mono<String> fromPosWebClient = posWebClient.get()
					.uri("/products")
					.retrieve()
					.bodyToMono(String.class)
					.cache();
				go.countDown();
				fromPosWebClient.subscribe();
				for (Future<String> call : calls) {
					assertThat(call.get(10, TimeUnit.SECONDS)).contains("store-001");
				}
				assertThat(fromPosWebClient.block(TIMEOUT)).contains("prod-espresso");
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
			assertThat(sandbox.apiRequests(200)).isEqualTo(callers + 1);
			assertThat(apiAuthorizations()).containsOnly(apiAuthorizations().get(0));
		});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void anotherGroupPointingElsewhereGetsNoToken(ClientType clientType) {
		runner(clientType).withUserConfiguration(OtherServices.class)
			.withPropertyValues("spring.http.serviceclient.other.base-url=" + elsewhere.apiBaseUrl())
			.run((context) -> {
				StoresApi stores = context.getBean(StoresApi.class);
				OtherApi other = context.getBean(OtherApi.class);
				assertThat(other.stores()).contains("elsewhere");
				assertThat(sandbox.tokenRequests()).isZero();
				stores.stores();
				assertThat(other.stores()).contains("elsewhere");
				List<ServeEvent> elsewhereRequests = elsewhere.requestEvents();
				assertThat(elsewhereRequests).hasSize(2)
					.allSatisfy((event) -> assertThat(event.getRequest().containsHeader("Authorization")).isFalse());
				assertThat(sandbox.tokenRequests()).isEqualTo(1);
				assertThat(apiAuthorizations()).singleElement().asString().startsWith("Bearer ");
			});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void anotherGroupPointingAtThePosApiItselfGetsNoTokenAndNoReplay(ClientType clientType) {
		runner(clientType).withUserConfiguration(OtherServices.class)
			.withPropertyValues("spring.http.serviceclient.other.base-url=" + sandbox.apiBaseUrl())
			.run((context) -> {
				OtherApi other = context.getBean(OtherApi.class);
				Throwable failure = catchThrowable(other::stores);
				assertThat(statusOf(failure)).isEqualTo(401);
				assertThat(sandbox.apiRequests()).isEqualTo(1);
				assertThat(apiAuthorizations()).containsExactly((String) null);
				assertThat(sandbox.tokenRequests()).isZero();
			});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void groupBaseUrlFromBootsPropertiesDecidesWhereTheTokenGoes(ClientType clientType) {
		runner(clientType).withPropertyValues("spring.http.serviceclient.pos.base-url=" + elsewhere.apiBaseUrl())
			.run((context) -> {
				StoresApi stores = context.getBean(StoresApi.class);
				assertThat(stores.stores()).contains("elsewhere");
				List<ServeEvent> elsewhereRequests = elsewhere.requestEvents();
				assertThat(elsewhereRequests).singleElement().satisfies((event) -> {
					assertThat(event.getRequest().getUrl()).isEqualTo("/api/v2/stores");
					assertThat(authorization(event)).startsWith("Bearer ");
				});
				assertThat(sandbox.tokenRequests()).isEqualTo(1);
				// pos.api.base-url is not the group's base URL: its origin gets no token,
				// and its 401 no replay.
				Throwable failure = catchThrowable(() -> stores.get(URI.create(sandbox.apiBaseUrl() + "/stores")));
				assertThat(statusOf(failure)).isEqualTo(401);
				assertThat(apiAuthorizations()).containsExactly((String) null);
				assertThat(sandbox.tokenRequests()).isEqualTo(1);
			});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void otherOriginsInThePosGroupGetNoToken(ClientType clientType) {
		runner(clientType).run((context) -> {
			StoresApi stores = context.getBean(StoresApi.class);
			assertThat(stores.get(URI.create(elsewhere.apiBaseUrl() + "/stores"))).contains("elsewhere");
			assertThat(elsewhere.requestEvents()).singleElement()
				.satisfies((event) -> assertThat(event.getRequest().containsHeader("Authorization")).isFalse());
			assertThat(sandbox.tokenRequests()).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void bootsDefaultHeadersOfTheGroupStillApply(ClientType clientType) {
		runner(clientType).withPropertyValues("spring.http.serviceclient.pos.default-header.X-Tenant=chimpy")
			.run((context) -> {
				context.getBean(StoresApi.class).stores();
				assertThat(sandbox.apiRequestEvents()).singleElement().satisfies((event) -> {
					assertThat(event.getRequest().getHeader("X-Tenant")).isEqualTo("chimpy");
					assertThat(authorization(event)).startsWith("Bearer ");
				});
			});
	}

	@ParameterizedTest
	@EnumSource(value = ClientType.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void readTimeoutIsPosApisUnlessTheGroupSetsItsOwn(ClientType clientType) {
		runner(clientType).withPropertyValues("pos.api.read-timeout=300ms").run((context) -> {
			StoresApi stores = context.getBean(StoresApi.class);
			sandbox.api().failNext(1, Fault.latency(Duration.ofMillis(1500)));
			Throwable failure = catchThrowable(stores::stores);
			assertThat(failure).isNotNull();
			assertThat(causes(failure)).map((cause) -> cause.getClass().getSimpleName())
				.anySatisfy((name) -> assertThat(name).containsIgnoringCase("timeout"));
			assertThat(sandbox.apiRequests()).isEqualTo(1);
		});
		runner(clientType).withPropertyValues("pos.api.read-timeout=300ms")
			.withPropertyValues("spring.http.serviceclient.pos.read-timeout=10s")
			.run((context) -> {
				StoresApi stores = context.getBean(StoresApi.class);
				sandbox.api().failNext(1, Fault.latency(Duration.ofMillis(1500)));
				assertThat(stores.stores()).contains("store-001");
			});
	}

	@Test
	void reactiveInterfaceOfAWebClientGroupSharesOneTokenRequest() {
		runner(ClientType.WEB_CLIENT).withUserConfiguration(ReactiveWebClientPosServices.class).run((context) -> {
			ReactiveStoresApi stores = context.getBean(ReactiveStoresApi.class);
			sandbox.tokenEndpoint().failNext(1, Fault.latency(Duration.ofMillis(300)));
			List<String> bodies = Flux.range(0, 20)
				.flatMap((i) -> (i % 2 == 0) ? stores.stores() : stores.products())
				.collectList()
				.block(TIMEOUT);
			assertThat(bodies).hasSize(20);
			assertThat(sandbox.tokenRequests()).isEqualTo(1);
			assertThat(sandbox.apiRequests(200)).isEqualTo(20);
		});
	}

	@Test
	void restClientGroupWorksWithoutBootsRestClientSupport() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					WebClientAutoConfiguration.class, HttpServiceClientPropertiesAutoConfiguration.class,
					PosAuthAutoConfiguration.class, PosHttpServiceClientAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.restclient"))
			.withUserConfiguration(RestClientPosServices.class)
			.withPropertyValues(sandbox.springPropertyValues())
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(RestClient.Builder.class);
				StoresApi stores = context.getBean(StoresApi.class);
				sandbox.api().failNext(1, Fault.status(401));
				assertThat(stores.stores()).contains("store-001");
				assertThat(sandbox.apiRequests(401)).isEqualTo(1);
				assertThat(sandbox.apiRequests(200)).isEqualTo(1);
				assertThat(apiAuthorizations()).doesNotContainNull();
				assertThat(sandbox.tokenRequests()).isEqualTo(2);
			});
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "pos", types = StoresApi.class, clientType = ClientType.REST_CLIENT)
	static class RestClientPosServices {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "pos", types = StoresApi.class, clientType = ClientType.WEB_CLIENT)
	static class WebClientPosServices {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "pos", types = ReactiveStoresApi.class, clientType = ClientType.WEB_CLIENT)
	static class ReactiveWebClientPosServices {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "other", types = OtherApi.class)
	static class OtherServices {

	}

}
