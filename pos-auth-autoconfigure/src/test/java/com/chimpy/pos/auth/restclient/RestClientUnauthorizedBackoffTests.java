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

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.UnauthorizedBackoffFixture;
import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosRestClientAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

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

import static com.chimpy.pos.auth.PosSandboxFixture.settled;
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
 * The sandbox issues real tokens without refresh tokens; a scripted 401 for every API
 * call stands for "fresh tokens rejected", and the sandbox's own validation accepts its
 * tokens until they are revoked. Token and API requests, and the bearer of each API
 * request, come from the sandbox's journal.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestClientUnauthorizedBackoffTests {

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	/**
	 * 30 sequential calls, all answered 401, well within the default backoff (10 s): two
	 * token requests, each call gets {@code HttpClientErrorException.Unauthorized}, and
	 * the WARN line about rejected fresh tokens is written once.
	 */
	@Test
	void thirtyCallsRejectedWithinTheBackoffSendTwoTokenRequests(CapturedOutput output) {
		UnauthorizedBackoffFixture.rejectEveryCall(sandbox());
		int before = UnauthorizedBackoffFixture.rejectedFreshTokenWarnings(output);
		run((context) -> {
			RestClient client = posRestClient(context);
			for (int i = 0; i < 30; i++) {
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
			}
			UnauthorizedBackoffFixture.assertOneReplacementForThirtyRejectedCalls(sandbox());
		});
		assertThat(UnauthorizedBackoffFixture.rejectedFreshTokenWarnings(output) - before)
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
		UnauthorizedBackoffFixture.rejectEveryCall(sandbox());
		run((context) -> {
			RestClient client = posRestClient(context);
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
			assertThat(settled(sandbox()::tokenRequestEvents).size()).isEqualTo(2);
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
				return sandbox().tokenRequests() >= 3;
			});
			List<ServeEvent> tokens = settled(sandbox()::tokenRequestEvents);
			assertThat(tokens).hasSize(3);
			assertThat(tokens.get(2).getRequest().getLoggedDate().getTime()
					- tokens.get(1).getRequest().getLoggedDate().getTime())
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
		run((context) -> {
			RestClient client = posRestClient(context);
			assertThat(call(client)).contains("simulated");
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
								assertThat(call(client)).contains("simulated");
								if (answered.incrementAndGet() == 150) {
									sandbox().revokeAllTokens();
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
			assertThat(settled(sandbox()::tokenRequestEvents).size()).as("token requests").isEqualTo(2);
			assertThat(sandbox().apiRequests(401)).as("API answers 401 after the revocation").isPositive();
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
		UnauthorizedBackoffFixture.rejectEveryCall(sandbox());
		run((context) -> {
			RestClient client = posRestClient(context);
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class).isThrownBy(() -> call(client));
			assertThat(settled(sandbox()::tokenRequestEvents).size()).as("token requests with the backoff engaged")
				.isEqualTo(2);
			sandbox().api().clear();
			assertThat(call(client)).as("call once the sandbox accepts its tokens").contains("simulated");
			sandbox().revokeAllTokens();
			assertThat(call(client)).as("call after the replacement was revoked").contains("simulated");
			UnauthorizedBackoffFixture.assertTheRevokedReplacementWasRenewedAtOnce(sandbox());
		});
	}

	private static void run(ContextConsumer<AssertableWebApplicationContext> test, String... properties) {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					RestClientAutoConfiguration.class, WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosWebClientAutoConfiguration.class, PosRestClientAutoConfiguration.class))
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.scope=orders"))
			.withPropertyValues(properties)
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
		return client.get().uri("/stores").retrieve().body(String.class);
	}

}
