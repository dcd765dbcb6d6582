package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * No Netty event-loop thread (nor any other Reactor non-blocking thread) blocks on the
 * {@code posWebClient} path: cold start with concurrent callers, background renewal at
 * the refresh-ahead point, callers waiting for a renewal after expiry, and the renewal
 * and replay after a 401. Every call is subscribed from a non-blocking thread, so the
 * token state's own work runs there too.
 * <p>
 * BlockHound instruments the whole JVM, so this class runs in a surefire execution of its
 * own ({@code blockhound-test}, with {@code -XX:+AllowRedefinitionToAddDeleteMethods});
 * elsewhere it is skipped.
 */
@EnabledIfSystemProperty(named = "pos.blockhound", matches = "true")
class PosWebClientBlockHoundTests {

	private TokenServer tokens;

	private WireMockServer api;

	/**
	 * Reactor Netty loads Netty's native transport library (a file read) lazily on the
	 * first HTTP call in the JVM. That one-time start-up cost is not part of the path
	 * under test: a plain call from the test thread does it before BlockHound is
	 * installed.
	 */
	@BeforeAll
	static void installBlockHound() {
		WireMockServer server = LifecycleFixture.apiServer();
		try {
			server.stubFor(any(urlPathMatching("/.*")).willReturn(okJson("{}")));
			WebClient.create("http://127.0.0.1:" + server.port()).get().retrieve().toBodilessEntity().block();
		}
		finally {
			server.stop();
		}
		BlockingCalls.install();
	}

	@BeforeEach
	void startServers() {
		BlockingCalls.clear();
		this.tokens = new TokenServer();
		this.api = LifecycleFixture.okApiServer();
	}

	@AfterEach
	void stopServers() {
		this.tokens.close();
		this.api.stop();
	}

	@Test
	void blockHoundDetectsBlockingOnANonBlockingThread() {
		assertThatException()
			.isThrownBy(() -> Mono.delay(Duration.ofMillis(1)).doOnNext((tick) -> LifecycleFixture.sleep(10)).block())
			.withCauseInstanceOf(BlockingOperationError.class);
		assertThat(BlockingCalls.detected()).hasSize(1);
	}

	@Test
	void webClientPathNeverBlocksANonBlockingThread() {
		// 4 s tokens: each phase below ends long before the next token's refresh-ahead
		// point (2 s), even on a loaded
		// machine, so the journal counts only the renewals the phases cause
		this.tokens.issuing(4, 200, true);
		// the third token is rejected once by the API: renewal and replay after 401
		this.api.stubFor(any(urlPathMatching("/api/v2/.*")).atPriority(1)
			.withHeader("Authorization", equalTo("Bearer at-3"))
			.willReturn(aResponse().withStatus(401)));
		LifecycleFixture.contextRunner(this.tokens, this.api)
			.withPropertyValues("pos.auth.scope=offline_access")
			.run((context) -> {
				WebClient webClient = context.getBean("posWebClient", WebClient.class);
				PosTokenState state = context.getBean(PosTokenState.class);
				// cold start: 20 concurrent callers subscribed on a parallel
				// (non-blocking) thread
				assertThat(onNonBlockingThread(burst(webClient, 20))).hasSize(20);
				Instant firstExpiry = state.getExpiresAt();
				// refresh-ahead point: callers get the token and start the renewal in the
				// background
				LifecycleFixture.sleepUntil(firstExpiry.minusMillis(900));
				assertThat(onNonBlockingThread(burst(webClient, 20))).hasSize(20);
				TokenConcurrencyTests.awaitNewToken(state, firstExpiry);
				// after expiry: callers wait for the renewal
				LifecycleFixture.sleepUntil(state.getExpiresAt().plusMillis(20));
				assertThat(onNonBlockingThread(burst(webClient, 20))).hasSize(20);
				// 401 for at-3: renewal and replay, chained from the event loop of an
				// earlier response
				assertThat(onNonBlockingThread(webClient.get()
					.uri("/ping")
					.retrieve()
					.bodyToMono(String.class)
					.flatMap((body) -> burst(webClient, 10).collectList())
					.flatMapMany(Flux::fromIterable))).hasSize(10);
				assertThat(this.tokens.count()).isEqualTo(4);
				assertThat(LifecycleFixture
					.settled(() -> this.api.findAll(anyRequestedFor(urlPathMatching("/api/v2/.*")))))
					.anyMatch((request) -> "Bearer at-3".equals(request.getHeader("Authorization")))
					.anyMatch((request) -> "Bearer at-4".equals(request.getHeader("Authorization")));
			});
		assertThat(BlockingCalls.detected()).isEmpty();
	}

	private static Flux<String> burst(WebClient webClient, int calls) {
		return Flux.range(0, calls)
			.flatMap((i) -> webClient.get().uri("/orders/{i}", i).retrieve().bodyToMono(String.class), calls);
	}

	private static List<String> onNonBlockingThread(Flux<String> calls) {
		return Mono.delay(Duration.ofMillis(1))
			.flatMapMany((tick) -> calls)
			.collectList()
			.block(Duration.ofSeconds(20));
	}

}
