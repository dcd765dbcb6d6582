package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;

import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A token the PoS API rejected with a 401 is never handed out again while its renewal is
 * pending: the token was accepted before (so the 401 is a revocation, renewed at once),
 * the renewal is held by a slow token endpoint, and the calls made meanwhile through
 * {@code posWebClient} and the reactive manager must not use it. Checked on every API
 * request in the journal after the 401, for a renewal that succeeds and for one that
 * fails.
 */
class RejectedTokenPendingRenewalTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final int CALLS = 30;

	@RegisterExtension
	final LifecycleServers servers = new LifecycleServers();

	/**
	 * The renewal takes 2 s and succeeds: the call that saw the 401 and 30 calls made
	 * while the renewal is pending all succeed with {@code at-2}; the reactive manager
	 * hands out {@code at-2} only.
	 */
	@Test
	void callsDuringAPendingRenewalNeverSendTheRejectedToken() {
		this.servers.tokens().issuing(3600, 0, false);
		this.servers.contextRunner().run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			ReactiveOAuth2AuthorizedClientManager manager = context.getBean("posReactiveAuthorizedClientManager",
					ReactiveOAuth2AuthorizedClientManager.class);
			assertThat(get(client, "/orders").block(TIMEOUT)).contains("ok");
			this.servers.tokens().issuing(3600, 2000, false);
			revoke("at-1");
			Mono<String> rejected = get(client, "/orders/rejected").cache();
			rejected.subscribe(null, (ex) -> {
			});
			long batchAt = awaitRejection(context.getBean(PosTokenState.class));
			Mono<List<String>> calls = Flux.range(0, CALLS)
				.flatMap((i) -> get(client, "/orders/" + i), CALLS)
				.collectList();
			Mono<List<String>> handedOut = Flux.range(0, 10)
				.flatMap((i) -> manager.authorize(TokenConcurrencyTests.request("caller-" + i)), 10)
				.map((authorized) -> authorized.getAccessToken().getTokenValue())
				.collectList();
			Tuple2<List<String>, List<String>> results = Mono.zip(calls, handedOut).block(TIMEOUT);
			assertThat(results.getT1()).hasSize(CALLS).allMatch((body) -> body.contains("ok"));
			assertThat(results.getT2()).hasSize(10).containsOnly("at-2");
			assertThat(rejected.block(TIMEOUT)).contains("ok");
			List<LoggedRequest> tokenRequests = this.servers.tokens().requests();
			assertThat(tokenRequests).hasSize(2);
			assertThat(batchAt).as("the calls started while the renewal was pending")
				.isLessThan(tokenRequests.get(1).getLoggedDate().getTime() + 2000);
			List<String> authorizations = apiAuthorizations();
			assertThat(authorizations).hasSize(2 + 1 + CALLS);
			assertThat(authorizations.subList(0, 2)).containsExactly("Bearer at-1", "Bearer at-1");
			assertThat(authorizations.subList(2, authorizations.size())).as("API requests after the 401")
				.containsOnly("Bearer at-2");
		});
	}

	/**
	 * The renewal fails (503 after 1 s, again and again): the calls made meanwhile fail
	 * after {@code max-wait}, and none of them falls back on the rejected token although
	 * it has not expired.
	 */
	@Test
	void callsDuringAFailingRenewalNeverSendTheRejectedToken() {
		this.servers.tokens().issuing(3600, 0, false);
		this.servers.contextRunner()
			.withPropertyValues("pos.auth.max-wait=4s", "pos.auth.retry-backoff=100ms",
					"pos.auth.max-retry-backoff=200ms")
			.run((context) -> {
				WebClient client = context.getBean("posWebClient", WebClient.class);
				ReactiveOAuth2AuthorizedClientManager manager = context.getBean("posReactiveAuthorizedClientManager",
						ReactiveOAuth2AuthorizedClientManager.class);
				assertThat(get(client, "/orders").block(TIMEOUT)).contains("ok");
				this.servers.tokens()
					.replaceStubs(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH))
						.willReturn(aResponse().withStatus(503).withFixedDelay(1000)));
				revoke("at-1");
				Mono<Object> rejected = outcome(get(client, "/orders/rejected")).cache();
				rejected.subscribe();
				awaitRejection(context.getBean(PosTokenState.class));
				Mono<List<Object>> calls = Flux.range(0, CALLS)
					.flatMap((i) -> outcome(get(client, "/orders/" + i)), CALLS)
					.collectList();
				Mono<List<Object>> tokensHandedOut = Flux.range(0, 10)
					.flatMap((i) -> outcome(manager.authorize(TokenConcurrencyTests.request("caller-" + i))
						.map((authorized) -> authorized.getAccessToken().getTokenValue())), 10)
					.collectList();
				Tuple2<List<Object>, List<Object>> results = Mono.zip(calls, tokensHandedOut).block(TIMEOUT);
				List<Object> outcomes = results.getT1();
				List<Object> handedOut = results.getT2();
				assertThat(rejected.block(TIMEOUT)).isInstanceOf(Throwable.class);
				assertThat(outcomes).hasSize(CALLS)
					.allSatisfy((outcome) -> assertThat(outcome).isInstanceOf(Throwable.class));
				assertThat(handedOut).hasSize(10).doesNotContain("at-1");
				assertThat(this.servers.tokens().count()).as("token requests").isGreaterThanOrEqualTo(2);
				assertThat(apiAuthorizations()).as("API requests").containsExactly("Bearer at-1", "Bearer at-1");
			});
	}

	/** The API answers 401 to the given token from now on. */
	private void revoke(String accessToken) {
		this.servers.api()
			.stubFor(any(urlPathMatching("/api/v2/.*")).atPriority(1)
				.withHeader("Authorization", equalTo("Bearer " + accessToken))
				.willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Token revoked\"}")));
	}

	/**
	 * Waits until the journal shows the rejected request (logged once its 401 was sent)
	 * and the client has reported the 401 to the token state, which then renews the
	 * token; returns the time the next calls start.
	 */
	private long awaitRejection(PosTokenState state) {
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> apiJournal().size() >= 2 && state.getUnauthorizedReplays() >= 1);
		return System.currentTimeMillis();
	}

	private List<LoggedRequest> apiJournal() {
		return this.servers.api().findAll(anyRequestedFor(urlPathMatching("/api/v2/.*")));
	}

	private List<String> apiAuthorizations() {
		return LifecycleFixture.settled(this::apiJournal)
			.stream()
			.map((request) -> request.containsHeader("Authorization") ? request.getHeader("Authorization") : null)
			.toList();
	}

	private static Mono<String> get(WebClient client, String path) {
		return client.get().uri(path).retrieve().bodyToMono(String.class);
	}

	/** A value or an error as a value. */
	private static Mono<Object> outcome(Mono<?> call) {
		return call.<Object>map((value) -> value).onErrorResume(Mono::just);
	}

}
