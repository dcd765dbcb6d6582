package com.chimpy.pos.auth.webclient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.UnauthorizedBackoffFixture;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static com.chimpy.pos.auth.PosSandboxFixture.apiAuthorizations;
import static com.chimpy.pos.auth.PosSandboxFixture.bearers;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static com.chimpy.pos.auth.PosSandboxFixture.settled;
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
 * The sandbox issues real tokens; a scripted 401 for every API call stands for "fresh
 * tokens rejected", and the sandbox's own validation accepts its tokens until they are
 * revoked. The tokens carry no refresh token, so each renewal is one password grant.
 * Token and API requests, and the bearer of each API request, come from the sandbox's
 * journal.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnauthorizedBackoffTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * A scope without {@code offline_access}: the sandbox then issues no refresh token.
	 */
	static final String WITHOUT_REFRESH_TOKENS = "pos.auth.scope=orders";

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	/**
	 * 30 sequential calls, all answered 401, well within the default backoff (10 s): two
	 * token requests (the first token and one replacement), not 31. {@code retrieve()}
	 * raises {@code WebClientResponseException.Unauthorized}, an exchange sees status
	 * 401. After the first call every call carries the replacement.
	 */
	@Test
	void thirtyCallsRejectedWithinTheBackoffSendTwoTokenRequests() {
		UnauthorizedBackoffFixture.rejectEveryCall(sandbox());
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
			UnauthorizedBackoffFixture.assertOneReplacementForThirtyRejectedCalls(sandbox());
		});
	}

	/**
	 * The WARN line that explains a rejected fresh token (likely causes: audience, clock
	 * skew, key rollover) is written once for 30 rejected calls, not once per call.
	 */
	@Test
	void rejectedFreshTokensAreReportedOnceAtWarn(CapturedOutput output) {
		UnauthorizedBackoffFixture.rejectEveryCall(sandbox());
		int before = UnauthorizedBackoffFixture.rejectedFreshTokenWarnings(output);
		run((context) -> {
			WebClient client = posWebClient(context);
			for (int i = 0; i < 30; i++) {
				assertThatExceptionOfType(WebClientResponseException.Unauthorized.class)
					.isThrownBy(() -> retrieve(client));
			}
			assertThat(settled(sandbox()::tokenRequestEvents).size()).isEqualTo(2);
		});
		assertThat(UnauthorizedBackoffFixture.rejectedFreshTokenWarnings(output) - before)
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
		UnauthorizedBackoffFixture.rejectEveryCall(sandbox());
		run((context) -> {
			WebClient client = posWebClient(context);
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			assertThat(settled(sandbox()::tokenRequestEvents).size()).isEqualTo(2);
			callUntilTokenRequests(client, 3);
			callUntilTokenRequests(client, 4);
			List<ServeEvent> tokens = settled(sandbox()::tokenRequestEvents);
			assertThat(tokens).hasSize(4);
			assertThat(gapMillis(tokens, 1, 2)).as("ms from replacement 1 to replacement 2 (backoff 500 ms)")
				.isGreaterThanOrEqualTo(400);
			assertThat(gapMillis(tokens, 2, 3)).as("ms from replacement 2 to replacement 3 (doubled: 1 s)")
				.isGreaterThanOrEqualTo(800);
			// capped at 1 s: 1.4 s after the last rejected call one rejected call
			// replaces the token again (uncapped it would be 2 s)
			List<ServeEvent> calls = settled(sandbox()::apiRequestEvents);
			Instant capPassed = calls.get(calls.size() - 1).getRequest().getLoggedDate().toInstant().plusMillis(1400);
			await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> Instant.now().isAfter(capPassed));
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			assertThat(settled(sandbox()::tokenRequestEvents).size()).as("token requests after the capped backoff")
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
		run((context) -> {
			WebClient client = posWebClient(context);
			assertThat(retrieve(client)).contains("simulated");
			AtomicInteger answered = new AtomicInteger();
			List<String> bodies = Flux.range(0, 600)
				.flatMap((i) -> client.get()
					.uri("/stores?call={i}", i)
					.retrieve()
					.bodyToMono(String.class)
					.doOnNext((body) -> {
						if (answered.incrementAndGet() == 150) {
							Schedulers.boundedElastic().schedule(sandbox()::revokeAllTokens);
						}
					}), 32)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(bodies).hasSize(600).allMatch((body) -> body.contains("simulated"));
			assertThat(settled(sandbox()::tokenRequestEvents).size()).as("token requests").isEqualTo(2);
			assertThat(statuses(401)).as("API answers 401 after the revocation").isPositive();
			List<String> issued = bearers(issuedAccessTokens(sandbox()));
			assertThat(issued).hasSize(2).doesNotHaveDuplicates();
			assertThat(settled(() -> apiAuthorizations(sandbox()))).containsOnly(issued.get(0), issued.get(1));
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
		UnauthorizedBackoffFixture.rejectEveryCall(sandbox());
		run((context) -> {
			WebClient client = posWebClient(context);
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			assertThat(settled(sandbox()::tokenRequestEvents).size()).as("token requests with the backoff engaged")
				.isEqualTo(2);
			acceptIssuedTokens();
			assertThat(retrieve(client)).contains("simulated");
			sandbox().revokeAllTokens();
			assertThat(retrieve(client)).as("call after the replacement was revoked").contains("simulated");
			UnauthorizedBackoffFixture.assertTheRevokedReplacementWasRenewedAtOnce(sandbox());
		});
	}

	/** From now on the sandbox's own validation answers API calls. */
	private static void acceptIssuedTokens() {
		sandbox().api().clear();
	}

	private static long statuses(int status) {
		return sandbox().apiRequests(status);
	}

	/**
	 * Calls (each answered 401) every 50 ms until the journal shows the given number of
	 * token requests.
	 */
	private static void callUntilTokenRequests(WebClient client, int count) {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			assertThatExceptionOfType(WebClientResponseException.Unauthorized.class).isThrownBy(() -> retrieve(client));
			return sandbox().tokenRequests() >= count;
		});
	}

	private static long gapMillis(List<ServeEvent> requests, int from, int to) {
		return requests.get(to).getRequest().getLoggedDate().getTime()
				- requests.get(from).getRequest().getLoggedDate().getTime();
	}

	private static void run(ContextConsumer<AssertableApplicationContext> test, String... properties) {
		PosSandboxFixture.contextRunner()
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), WITHOUT_REFRESH_TOKENS))
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	private static WebClient posWebClient(AssertableApplicationContext context) {
		return context.getBean("posWebClient", WebClient.class);
	}

	private static String retrieve(WebClient client) {
		return client.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
	}

	private static Integer exchangeStatus(WebClient client) {
		return client.get()
			.uri("/orders")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(TIMEOUT);
	}

}
