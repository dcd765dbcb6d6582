package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import com.chimpy.pos.auth.autoconfigure.PosAuthProperties;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single flight and refresh-token rotation under concurrent callers of
 * {@code posWebClient}, {@code posAuthorizedClientManager} and
 * {@code posReactiveAuthorizedClientManager}, all built by the auto-configuration. Token
 * requests are counted from the token server's request journal.
 */
class TokenConcurrencyTests {

	@RegisterExtension
	final LifecycleServers servers = new LifecycleServers();

	/**
	 * 200 concurrent calls through {@code posWebClient} on a cold start, with a slow
	 * token endpoint so that all of them ask while the first token request is in flight:
	 * exactly one token request, every call authenticated.
	 */
	@Test
	void coldStartWith200ConcurrentWebClientCallsSendsOneTokenRequest() {
		this.servers.tokens().issuing(60, 300, false);
		this.servers.contextRunner().run((context) -> {
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			List<String> bodies = Flux.range(0, 200)
				.flatMap((i) -> webClient.get().uri("/orders/{i}", i).retrieve().bodyToMono(String.class), 200)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(bodies).hasSize(200).allMatch((body) -> body.contains("ok"));
			assertThat(this.servers.tokens().count()).isEqualTo(1);
			assertThat(bearers()).hasSize(200).containsOnly("Bearer at-1");
		});
	}

	/**
	 * The same through the imperative manager, from 50 threads released at once.
	 */
	@Test
	void coldStartWith50ThreadsOnTheImperativeManagerSendsOneTokenRequest() {
		this.servers.tokens().issuing(60, 300, false);
		this.servers.contextRunner().run((context) -> {
			OAuth2AuthorizedClientManager manager = context.getBean("posAuthorizedClientManager",
					OAuth2AuthorizedClientManager.class);
			List<String> tokens = onThreads(50, (i) -> manager.authorize(request("user-" + i)));
			assertThat(tokens).hasSize(50).containsOnly("at-1");
			assertThat(this.servers.tokens().count()).isEqualTo(1);
		});
	}

	/**
	 * A mix on a cold start: 100 {@code posWebClient} calls, 25 threads on the imperative
	 * manager and 75 subscriptions to the reactive manager, all at once: one token
	 * request, one token for all.
	 */
	@Test
	void coldStartWithMixedCallersSendsOneTokenRequest() {
		this.servers.tokens().issuing(60, 300, false);
		this.servers.contextRunner().run((context) -> {
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			OAuth2AuthorizedClientManager manager = context.getBean("posAuthorizedClientManager",
					OAuth2AuthorizedClientManager.class);
			ReactiveOAuth2AuthorizedClientManager reactive = context.getBean("posReactiveAuthorizedClientManager",
					ReactiveOAuth2AuthorizedClientManager.class);
			CountDownLatch go = new CountDownLatch(1);
			Mono<List<String>> web = Flux.range(0, 100)
				.flatMap((i) -> webClient.get().uri("/orders/{i}", i).retrieve().bodyToMono(String.class), 100)
				.collectList();
			Mono<List<String>> reactiveTokens = Flux.range(0, 75)
				.flatMap((i) -> reactive.authorize(request("reactive-" + i)), 75)
				.map((client) -> client.getAccessToken().getTokenValue())
				.collectList();
			ExecutorService pool = Executors.newFixedThreadPool(25);
			try {
				List<Future<String>> imperative = new ArrayList<>();
				for (int i = 0; i < 25; i++) {
					String principal = "imperative-" + i;
					imperative.add(pool.submit(() -> {
						go.await();
						return manager.authorize(request(principal)).getAccessToken().getTokenValue();
					}));
				}
				go.countDown();
				List<String> webBodies = web.block(Duration.ofSeconds(30));
				List<String> reactiveValues = reactiveTokens.block(Duration.ofSeconds(30));
				List<String> imperativeValues = new ArrayList<>();
				for (Future<String> future : imperative) {
					imperativeValues.add(future.get(30, TimeUnit.SECONDS));
				}
				assertThat(webBodies).hasSize(100).allMatch((body) -> body.contains("ok"));
				assertThat(reactiveValues).hasSize(75).containsOnly("at-1");
				assertThat(imperativeValues).hasSize(25).containsOnly("at-1");
				assertThat(bearers()).hasSize(100).containsOnly("Bearer at-1");
				assertThat(this.servers.tokens().count()).isEqualTo(1);
			}
			finally {
				pool.shutdownNow();
			}
		});
	}

	/**
	 * 100 concurrent calls that all carry the same token and all get 401: the token is
	 * renewed exactly once, and every call is replayed exactly once (same method and
	 * body) with the new token and succeeds. On a machine slow enough that the renewal is
	 * done before the last calls leave, those go out with the new token at once.
	 */
	@Test
	void hundredConcurrent401sForTheSameTokenRenewOnceAndReplayEachCallOnce() {
		this.servers.tokens().issuing(60, 100, false);
		// at-1 is rejected on /orders (slowly, so that all 100 calls are sent with it
		// before the first 401 comes back)
		this.servers.api()
			.stubFor(any(urlPathMatching("/api/v2/orders")).atPriority(1)
				.withHeader("Authorization", equalTo("Bearer at-1"))
				.willReturn(aResponse().withStatus(401).withFixedDelay(500).withBody("{\"error\":\"invalid_token\"}")));
		this.servers.contextRunner().run((context) -> {
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			OAuth2AuthorizedClientManager manager = context.getBean("posAuthorizedClientManager",
					OAuth2AuthorizedClientManager.class);
			assertThat(manager.authorize(request("warm")).getAccessToken().getTokenValue()).isEqualTo("at-1");
			// warm the client (connections, code paths) so that the 100 calls below leave
			// together
			Flux.range(0, 100)
				.flatMap((i) -> webClient.get().uri("/ping").retrieve().bodyToMono(String.class), 100)
				.blockLast(Duration.ofSeconds(30));
			List<String> bodies = Flux.range(0, 100)
				.flatMap((i) -> webClient.post()
					.uri("/orders")
					.bodyValue("{\"order\":" + i + "}")
					.retrieve()
					.bodyToMono(String.class), 100)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(bodies).hasSize(100).allMatch((body) -> body.contains("ok"));
			assertThat(this.servers.tokens().count()).isEqualTo(2);
			// the calls that left with at-1 (all of them, unless the machine is so slow
			// that the renewal finished before the last ones left, which then carry at-2
			// at once); WireMock journals a request once its answer is out, which under
			// load can be after the client has it: wait (bounded) until every call has
			// its at-2 request in the journal
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> withToken(orderCalls(), "at-2").size() >= 100);
			List<LoggedRequest> calls = orderCalls();
			List<LoggedRequest> rejected = withToken(calls, "at-1");
			List<LoggedRequest> renewed = withToken(calls, "at-2");
			assertThat(rejected).as("calls sent with at-1").isNotEmpty();
			assertThat(calls).hasSize(rejected.size() + 100);
			assertThat(renewed).hasSize(100).allMatch((call) -> call.getMethod().getName().equals("POST"));
			Set<String> renewedBodies = new HashSet<>();
			renewed.forEach((call) -> renewedBodies.add(call.getBodyAsString()));
			assertThat(renewedBodies).as("every call once with at-2").hasSize(100);
			assertThat(rejected).as("every rejected call replayed with its body")
				.allMatch((call) -> renewedBodies.contains(call.getBodyAsString()));
			assertThat(rejected.stream().map(LoggedRequest::getBodyAsString).distinct())
				.as("each call sent once with at-1")
				.hasSize(rejected.size());
		});
	}

	/**
	 * Refresh-token rotation under 100 concurrent callers that all find the token due for
	 * renewal, three times over: at the refresh-ahead point (background renewal), after
	 * expiry (callers wait) and after a storm of 401s. The server hands out a new refresh
	 * token with every answer; no refresh token is ever sent twice, each refresh sends
	 * the newest one, and the password grant is used only once.
	 */
	@Test
	void rotatingRefreshTokensAreNeverSentTwiceUnderConcurrentRenewals() {
		this.servers.tokens().issuing(2, 150, true);
		this.servers.api()
			.stubFor(any(urlPathMatching("/api/v2/.*")).atPriority(1)
				.withHeader("Authorization", equalTo("Bearer at-3"))
				.willReturn(aResponse().withStatus(401).withFixedDelay(100)));
		// the application's own posTokenState (the auto-configuration backs off by name),
		// with the default settings and a clock that the test moves past the renewal
		// points at once; the callers race on real threads
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		VirtualClock clock = new VirtualClock(time, Instant.parse("2026-01-01T00:00:00Z"));
		this.servers.contextRunner()
			.withPropertyValues("pos.auth.scope=offline_access")
			.withBean("posTokenState", PosTokenState.class,
					() -> LifecycleFixture.tokenState(this.servers.tokens().uri(), "offline_access",
							new PosAuthProperties().toRenewalSettings(), clock))
			.run((context) -> {
				WebClient webClient = context.getBean("posWebClient", WebClient.class);
				OAuth2AuthorizedClientManager manager = context.getBean("posAuthorizedClientManager",
						OAuth2AuthorizedClientManager.class);
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThat(manager.authorize(request("warm")).getAccessToken().getTokenValue()).isEqualTo("at-1");
				// past the refresh-ahead point of at-1 (half its 2 s lifetime), before
				// its
				// hard point: renewal in the background
				Instant firstExpiry = state.getExpiresAt();
				time.advanceTimeBy(Duration.between(clock.instant(), firstExpiry.minusMillis(500)));
				assertThat(state.readyAuthorizedClient()).as("at-1 is due for renewal").isNull();
				// served at once: the current token, or its successor for callers that
				// come after the renewal
				assertThat(onThreads(100, (i) -> manager.authorize(request("a-" + i)))).contains("at-1")
					.isSubsetOf("at-1", "at-2");
				awaitNewToken(state, firstExpiry);
				// after expiry of at-2: everybody waits for one renewal
				time.advanceTimeBy(Duration.between(clock.instant(), state.getExpiresAt().plusMillis(50)));
				assertThat(onThreads(100, (i) -> manager.authorize(request("b-" + i)))).containsOnly("at-3");
				// 100 concurrent 401s for at-3: one renewal
				List<String> bodies = Flux.range(0, 100)
					.flatMap((i) -> webClient.get().uri("/orders/{i}", i).retrieve().bodyToMono(String.class), 100)
					.collectList()
					.block(Duration.ofSeconds(30));
				assertThat(bodies).hasSize(100).allMatch((body) -> body.contains("ok"));
				List<LoggedRequest> requests = this.servers.tokens().requests();
				assertThat(requests).hasSize(4);
				assertThat(this.servers.tokens().count("password")).isEqualTo(1);
				List<String> sent = requests.stream()
					.filter((request) -> "refresh_token".equals(LifecycleFixture.grantType(request)))
					.map((request) -> LifecycleFixture.body(request).path("refresh_token").asString())
					.toList();
				assertThat(sent).doesNotHaveDuplicates().containsExactly("rt-1", "rt-2", "rt-3");
			});
	}

	private static List<LoggedRequest> withToken(List<LoggedRequest> calls, String token) {
		return calls.stream().filter((call) -> ("Bearer " + token).equals(call.getHeader("Authorization"))).toList();
	}

	private List<LoggedRequest> orderCalls() {
		return this.servers.api().findAll(anyRequestedFor(urlPathMatching("/api/v2/orders")));
	}

	private List<String> bearers() {
		return apiCalls().stream().map((request) -> request.getHeader("Authorization")).toList();
	}

	private List<LoggedRequest> apiCalls() {
		return LifecycleFixture
			.settled(() -> this.servers.api().findAll(anyRequestedFor(urlPathMatching("/api/v2/.*"))));
	}

	static void awaitNewToken(PosTokenState state, Instant previousExpiry) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> !previousExpiry.equals(state.getExpiresAt()));
	}

	static OAuth2AuthorizeRequest request(String principal) {
		return OAuth2AuthorizeRequest.withClientRegistrationId("pos").principal(principal).build();
	}

	/**
	 * Runs {@code call} on {@code threads} threads released at the same moment and
	 * returns the access token values.
	 */
	static List<String> onThreads(int threads, ThrowingFunction call) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch ready = new CountDownLatch(threads);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<String>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				int index = i;
				futures.add(pool.submit(() -> {
					ready.countDown();
					go.await();
					return call.apply(index).getAccessToken().getTokenValue();
				}));
			}
			ready.await(10, TimeUnit.SECONDS);
			go.countDown();
			List<String> values = new ArrayList<>();
			for (Future<String> future : futures) {
				values.add(future.get(30, TimeUnit.SECONDS));
			}
			return values;
		}
		finally {
			pool.shutdownNow();
		}
	}

	@FunctionalInterface
	interface ThrowingFunction {

		OAuth2AuthorizedClient apply(int index) throws Exception;

	}

}
