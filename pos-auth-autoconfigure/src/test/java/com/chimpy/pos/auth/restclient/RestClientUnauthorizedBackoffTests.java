package com.chimpy.pos.auth.restclient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosStubServer;
import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosRestClientAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static com.chimpy.pos.auth.PosStubServer.API_PATH;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The 401 backoff of {@code posRestClient}, over the same token state as
 * {@code posWebClient}: when the PoS API rejects even freshly issued tokens, one
 * replacement per backoff period instead of one per call; revocation under concurrent
 * load still renews once and fails no call; the backoff ends once a replacement is
 * accepted.
 * <p>
 * The token endpoint hands out {@code access-1}, {@code access-2}, ... in order; token
 * and API requests are counted from the stub server's journal.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestClientUnauthorizedBackoffTests {

	@RegisterExtension
	static final PosStubServer server = PosStubServer.perClass();

	@BeforeEach
	void issueNumberedTokens() {
		ResponseDefinitionBuilder[] answers = new ResponseDefinitionBuilder[60];
		for (int i = 0; i < answers.length; i++) {
			answers[i] = PosStubServer.token("access-" + (i + 1), 3600, null);
		}
		server.stubGrant("password", answers);
	}

	/**
	 * 30 sequential calls, all answered 401, well within the default backoff (10 s): two
	 * token requests, each call gets {@code HttpClientErrorException.Unauthorized}, and
	 * the WARN line about rejected fresh tokens is written once.
	 */
	@Test
	void thirtyCallsRejectedWithinTheBackoffSendTwoTokenRequests(CapturedOutput output) {
		rejectEveryCall();
		int before = warnings(output.getOut() + output.getErr());
		run((context) -> {
			RestClient client = posRestClient(context);
			for (int i = 0; i < 30; i++) {
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
			}
			assertThat(settled(server::tokenRequests).size()).as("token requests for 30 rejected calls").isEqualTo(2);
			List<String> authorizations = settled(server::apiRequests).stream()
				.map(PosStubServer::authorization)
				.toList();
			assertThat(authorizations).hasSizeGreaterThanOrEqualTo(31).startsWith("Bearer access-1", "Bearer access-2");
			assertThat(authorizations.subList(1, authorizations.size())).containsOnly("Bearer access-2");
		});
		assertThat(warnings(output.getOut() + output.getErr()) - before)
			.as("WARN lines naming audience, clock skew and key rollover in:%n%s", output)
			.isEqualTo(1);
	}

	/**
	 * After the backoff (500 ms) a rejected call replaces the token once more, not
	 * before: the journal shows the second replacement at least the backoff (less a
	 * margin for jitter) after the first.
	 */
	@Test
	void afterTheBackoffOneMoreReplacement() {
		rejectEveryCall();
		run((context) -> {
			RestClient client = posRestClient(context);
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
			assertThat(settled(server::tokenRequests).size()).isEqualTo(2);
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
				return server.tokenRequests().size() >= 3;
			});
			List<LoggedRequest> tokens = settled(server::tokenRequests);
			assertThat(tokens).hasSize(3);
			assertThat(tokens.get(2).getLoggedDate().getTime() - tokens.get(1).getLoggedDate().getTime())
				.as("ms between the two replacements (backoff 500 ms)")
				.isGreaterThanOrEqualTo(400);
		}, "pos.auth.unauthorized-backoff=500ms", "pos.auth.max-unauthorized-backoff=1s");
	}

	/**
	 * Revocation under concurrent load: 16 threads call in a loop; after 150 answers
	 * every token issued so far is revoked. One renewal, no failed call, and the
	 * revocation did hit calls (some 401s).
	 */
	@Test
	void revocationUnderConcurrentLoadRenewsOnceAndNoCallFails() throws Exception {
		server.wireMock()
			.stubFor(any(urlPathMatching(API_PATH + "/.*")).atPriority(10).willReturn(okJson("{\"ok\":true}")));
		run((context) -> {
			RestClient client = posRestClient(context);
			assertThat(call(client)).contains("ok");
			AtomicInteger answered = new AtomicInteger();
			List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
			int threads = 16;
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				CountDownLatch go = new CountDownLatch(1);
				List<Future<?>> workers = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					workers.add(pool.submit(() -> {
						go.await();
						for (int i = 0; i < 30; i++) {
							try {
								assertThat(call(client)).contains("ok");
								if (answered.incrementAndGet() == 150) {
									revoke("access-1");
								}
							}
							catch (Throwable ex) {
								failures.add(ex);
							}
						}
						return null;
					}));
				}
				go.countDown();
				for (Future<?> worker : workers) {
					worker.get(30, TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(failures).isEmpty();
			assertThat(answered).hasValue(480);
			assertThat(settled(server::tokenRequests).size()).as("token requests").isEqualTo(2);
			long unauthorized = server.wireMock()
				.getAllServeEvents()
				.stream()
				.filter((event) -> event.getRequest().getUrl().startsWith(API_PATH + "/"))
				.map(ServeEvent::getResponse)
				.filter((response) -> response.getStatus() == 401)
				.count();
			assertThat(unauthorized).as("API answers 401 after the revocation").isPositive();
		});
	}

	/**
	 * The backoff does not stay engaged forever: with the replacement rejected too, a
	 * further rejected call is not renewed; then the API accepts that replacement; when
	 * it is later revoked the next call renews at once (within the default backoff of 10
	 * s) and succeeds on its replay.
	 */
	@Test
	void anAcceptedReplacementEndsTheBackoffSoALaterRevocationRenewsAtOnce() {
		rejectEveryCall();
		run((context) -> {
			RestClient client = posRestClient(context);
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
			assertThat(settled(server::tokenRequests).size()).as("token requests with the backoff engaged")
				.isEqualTo(2);
			accept("access-2");
			assertThat(call(client)).contains("ok");
			revoke("access-2");
			accept("access-3");
			assertThat(call(client)).as("call after access-2 was revoked").contains("ok");
			assertThat(settled(server::tokenRequests).size()).as("token requests after the revocation").isEqualTo(3);
			assertThat(settled(server::apiRequests).stream().map(PosStubServer::authorization).toList())
				.endsWith("Bearer access-2", "Bearer access-2", "Bearer access-3");
		});
	}

	private static void rejectEveryCall() {
		server.wireMock()
			.stubFor(any(urlPathMatching(API_PATH + "/.*")).atPriority(10)
				.willReturn(aResponse().withStatus(401)
					.withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
					.withBody("{\"message\":\"Unauthorized\"}")));
	}

	private static void accept(String accessToken) {
		server.wireMock()
			.stubFor(any(urlPathMatching(API_PATH + "/.*")).atPriority(5)
				.withHeader("Authorization", equalTo("Bearer " + accessToken))
				.willReturn(okJson("{\"ok\":true}")));
	}

	private static void revoke(String accessToken) {
		server.wireMock()
			.stubFor(any(urlPathMatching(API_PATH + "/.*")).atPriority(1)
				.withHeader("Authorization", equalTo("Bearer " + accessToken))
				.willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Token revoked\"}")));
	}

	private static int warnings(String output) {
		int count = 0;
		for (String line : output.split("\\R")) {
			String lower = line.toLowerCase(java.util.Locale.ROOT);
			if (line.contains("WARN") && lower.contains("audience") && lower.contains("clock")
					&& lower.contains("key")) {
				count++;
			}
		}
		return count;
	}

	private static <T> List<T> settled(Supplier<List<T>> journal) {
		List<T> previous = new ArrayList<>(journal.get());
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (System.nanoTime() < deadline) {
			try {
				Thread.sleep(150);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			List<T> current = new ArrayList<>(journal.get());
			if (current.size() == previous.size()) {
				return current;
			}
			previous = current;
		}
		return previous;
	}

	private static void run(ContextConsumer<AssertableWebApplicationContext> test, String... properties) {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					RestClientAutoConfiguration.class, WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class, PosRestClientAutoConfiguration.class))
			.withPropertyValues(server.properties(properties))
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	private static RestClient posRestClient(AssertableWebApplicationContext context) {
		return context.getBean("posRestClient", RestClient.class);
	}

	private static String call(RestClient client) {
		return client.get().uri("/orders").retrieve().body(String.class);
	}

}
