package com.chimpy.pos.auth.webclient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import com.chimpy.pos.auth.PosStubServer;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

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
 * The 401 backoff of {@code posWebClient}: when the PoS API rejects even freshly issued
 * tokens (every call 401), the first 401 on a token renews it and replays once; a
 * rejected replacement is not replaced again because of a 401 before
 * {@code pos.auth.unauthorized-backoff} has passed (then the backoff doubles while fresh
 * tokens keep being rejected, up to {@code pos.auth.max-unauthorized-backoff}); meanwhile
 * callers get the 401. Revocation still renews at once, and the backoff ends as soon as a
 * replacement is accepted.
 * <p>
 * The token endpoint hands out {@code access-1}, {@code access-2}, ... in order; token
 * and API requests are counted from the stub server's journal.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnauthorizedBackoffTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final PosStubServer server = PosStubServer.perClass();

	@BeforeEach
	void issueNumberedTokens() {
		server.stubGrant("password", numberedTokens(60));
	}

	/**
	 * 30 sequential calls, all answered 401, well within the default backoff (10 s): two
	 * token requests (the first token and one replacement), not 31. {@code retrieve()}
	 * raises {@code WebClientResponseException.Unauthorized}, an exchange sees status
	 * 401. After the first call every call carries the replacement.
	 */
	@Test
	void thirtyCallsRejectedWithinTheBackoffSendTwoTokenRequests() {
		rejectEveryCall();
		run((context) -> {
			WebClient client = posWebClient(context);
			for (int i = 0; i < 30; i++) {
				if (i % 2 == 0) {
					assertThatExceptionOfType(WebClientResponseException.Unauthorized.class)
						.isThrownBy(() -> retrieve(client));
				}
				else {
					assertThat(exchangeStatus(client)).isEqualTo(401);
				}
			}
			assertThat(settled(server::tokenRequests).size()).as("token requests for 30 rejected calls").isEqualTo(2);
			List<String> authorizations = settled(server::apiRequests).stream()
				.map(PosStubServer::authorization)
				.toList();
			assertThat(authorizations).hasSizeGreaterThanOrEqualTo(31).startsWith("Bearer access-1", "Bearer access-2");
			assertThat(authorizations.subList(1, authorizations.size())).containsOnly("Bearer access-2");
		});
	}

	/**
	 * The WARN line that explains a rejected fresh token (likely causes: audience, clock
	 * skew, key rollover) is written once for 30 rejected calls, not once per call.
	 */
	@Test
	void rejectedFreshTokensAreReportedOnceAtWarn(CapturedOutput output) {
		rejectEveryCall();
		int before = warnings(output.getOut() + output.getErr());
		run((context) -> {
			WebClient client = posWebClient(context);
			for (int i = 0; i < 30; i++) {
				assertThatExceptionOfType(WebClientResponseException.Unauthorized.class)
					.isThrownBy(() -> retrieve(client));
			}
			assertThat(settled(server::tokenRequests).size()).isEqualTo(2);
		});
		assertThat(warnings(output.getOut() + output.getErr()) - before)
			.as("WARN lines naming audience, clock skew and key rollover in:%n%s", output)
			.isEqualTo(1);
	}

	/**
	 * Once the backoff has passed, a rejected call replaces the token once more; while
	 * fresh tokens keep being rejected the backoff doubles (500 ms, 1 s) and stops
	 * growing at the cap (1 s). Spacing is read from the journal's timestamps (a slow
	 * machine can only make the gaps longer); the cap is checked by calling once after
	 * the capped backoff (with a margin) has passed: that call must replace the token,
	 * which it would not under a backoff of 2 s.
	 */
	@Test
	void afterTheBackoffOneMoreReplacementThenTheBackoffDoublesUpToTheCap() {
		rejectEveryCall();
		run((context) -> {
			WebClient client = posWebClient(context);
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			assertThat(settled(server::tokenRequests).size()).isEqualTo(2);
			callUntilTokenRequests(client, 3);
			callUntilTokenRequests(client, 4);
			List<LoggedRequest> tokens = settled(server::tokenRequests);
			assertThat(tokens).hasSize(4);
			assertThat(gapMillis(tokens, 1, 2)).as("ms from replacement 1 to replacement 2 (backoff 500 ms)")
				.isGreaterThanOrEqualTo(400);
			assertThat(gapMillis(tokens, 2, 3)).as("ms from replacement 2 to replacement 3 (doubled: 1 s)")
				.isGreaterThanOrEqualTo(800);
			// capped at 1 s: after 1.4 s one rejected call replaces the token again
			// (uncapped it would be 2 s)
			sleep(1400);
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			assertThat(settled(server::tokenRequests).size()).as("token requests after the capped backoff")
				.isEqualTo(5);
		}, "pos.auth.unauthorized-backoff=500ms", "pos.auth.max-unauthorized-backoff=1s");
	}

	/**
	 * Revocation under concurrent load is as good as before: 600 calls, 32 at a time;
	 * after 150 answers every token issued so far is revoked. One renewal, no failed
	 * call, and the revocation did hit calls (some 401s).
	 */
	@Test
	void revocationUnderConcurrentLoadRenewsOnceAndNoCallFails() {
		acceptEveryCall();
		run((context) -> {
			WebClient client = posWebClient(context);
			assertThat(retrieve(client)).contains("ok");
			AtomicInteger answered = new AtomicInteger();
			List<String> bodies = Flux.range(0, 600)
				.flatMap((i) -> client.get()
					.uri("/orders/{i}", i)
					.retrieve()
					.bodyToMono(String.class)
					.doOnNext((body) -> {
						if (answered.incrementAndGet() == 150) {
							Schedulers.boundedElastic().schedule(() -> revoke("access-1"));
						}
					}), 32)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(bodies).hasSize(600).allMatch((body) -> body.contains("ok"));
			assertThat(settled(server::tokenRequests).size()).as("token requests").isEqualTo(2);
			assertThat(statuses(401)).as("API answers 401 after the revocation").isPositive();
			List<String> authorizations = settled(server::apiRequests).stream()
				.map(PosStubServer::authorization)
				.toList();
			assertThat(authorizations).containsOnly("Bearer access-1", "Bearer access-2");
		});
	}

	/**
	 * The backoff does not stay engaged forever: with the replacement rejected too, a
	 * further rejected call is not renewed (the backoff is engaged); then the API starts
	 * accepting that replacement; when it is later revoked, the next call renews at once
	 * (within the default backoff of 10 s) and succeeds on its replay.
	 */
	@Test
	void anAcceptedReplacementEndsTheBackoffSoALaterRevocationRenewsAtOnce() {
		rejectEveryCall();
		run((context) -> {
			WebClient client = posWebClient(context);
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			assertThat(settled(server::tokenRequests).size()).as("token requests with the backoff engaged")
				.isEqualTo(2);
			accept("access-2");
			assertThat(retrieve(client)).contains("ok");
			revoke("access-2");
			accept("access-3");
			assertThat(retrieve(client)).as("call after access-2 was revoked").contains("ok");
			assertThat(settled(server::tokenRequests).size()).as("token requests after the revocation").isEqualTo(3);
			List<String> authorizations = settled(server::apiRequests).stream()
				.map(PosStubServer::authorization)
				.toList();
			assertThat(authorizations).endsWith("Bearer access-2", "Bearer access-2", "Bearer access-3");
		});
	}

	static ResponseDefinitionBuilder[] numberedTokens(int count) {
		ResponseDefinitionBuilder[] answers = new ResponseDefinitionBuilder[count];
		for (int i = 0; i < count; i++) {
			answers[i] = PosStubServer.token("access-" + (i + 1), 3600, null);
		}
		return answers;
	}

	/**
	 * Every API call is answered 401 (lowest priority, so the stubs of {@link #accept}
	 * win).
	 */
	private static void rejectEveryCall() {
		server.wireMock()
			.stubFor(any(urlPathMatching(API_PATH + "/.*")).atPriority(10)
				.willReturn(aResponse().withStatus(401)
					.withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
					.withBody("{\"message\":\"Unauthorized\"}")));
	}

	/** Every API call is answered 200, unless its token was revoked. */
	private static void acceptEveryCall() {
		server.wireMock()
			.stubFor(any(urlPathMatching(API_PATH + "/.*")).atPriority(10).willReturn(okJson("{\"ok\":true}")));
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

	private static long statuses(int status) {
		return server.wireMock()
			.getAllServeEvents()
			.stream()
			.filter((event) -> event.getRequest().getUrl().startsWith(API_PATH + "/"))
			.map(ServeEvent::getResponse)
			.filter((response) -> response.getStatus() == status)
			.count();
	}

	/**
	 * Calls (each answered 401) every 50 ms until the journal shows the given number of
	 * token requests.
	 */
	private static void callUntilTokenRequests(WebClient client, int count) {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			return server.tokenRequests().size() >= count;
		});
	}

	private static long gapMillis(List<LoggedRequest> requests, int from, int to) {
		return requests.get(to).getLoggedDate().getTime() - requests.get(from).getLoggedDate().getTime();
	}

	/**
	 * WARN lines that explain rejected fresh tokens: they name the audience, the clock
	 * and the key.
	 */
	static int warnings(String output) {
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

	/**
	 * WireMock adds a request to its journal once its answer is sent: poll until the
	 * journal stops changing.
	 */
	static <T> List<T> settled(Supplier<List<T>> journal) {
		List<T> previous = new ArrayList<>(journal.get());
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (System.nanoTime() < deadline) {
			sleep(150);
			List<T> current = new ArrayList<>(journal.get());
			if (current.size() == previous.size()) {
				return current;
			}
			previous = current;
		}
		return previous;
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void run(ContextConsumer<AssertableApplicationContext> test, String... properties) {
		PosStubServer.contextRunner().withPropertyValues(server.properties(properties)).run((context) -> {
			assertThat(context).hasNotFailed();
			test.accept(context);
		});
	}

	private static WebClient posWebClient(AssertableApplicationContext context) {
		return context.getBean("posWebClient", WebClient.class);
	}

	private static String retrieve(WebClient client) {
		return client.get().uri("/orders").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	private static Integer exchangeStatus(WebClient client) {
		return client.get()
			.uri("/orders")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(TIMEOUT);
	}

}
