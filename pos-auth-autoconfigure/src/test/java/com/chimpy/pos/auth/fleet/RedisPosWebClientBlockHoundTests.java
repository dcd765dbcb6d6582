package com.chimpy.pos.auth.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.token.BlockingCalls;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No Netty event-loop thread (nor any other Reactor non-blocking thread) blocks on the
 * {@code posWebClient} path with {@code pos.auth.token-store=redis}: a cold start of two
 * instances sharing a real Redis server, a renewal one instance takes from the other, and
 * a Redis outage (the server stopped mid-run). Every call is subscribed from a
 * non-blocking thread.
 * <p>
 * Runs in the {@code blockhound-test} surefire execution; elsewhere it is skipped.
 */
@EnabledIfSystemProperty(named = "pos.blockhound", matches = "true")
class RedisPosWebClientBlockHoundTests {

	private static EmbeddedRedis redis;

	private static PosSandbox sandbox;

	private final List<ConfigurableApplicationContext> fleet = new ArrayList<>();

	/**
	 * One-time start-up costs that are not part of the path under test (Netty's native
	 * transport, TLS, Lettuce's first connection in the JVM) are paid by a throwaway
	 * instance called from the test thread before BlockHound is installed.
	 */
	@BeforeAll
	static void installBlockHound() {
		redis = EmbeddedRedis.started();
		sandbox = PosSandbox.builder().tokenLifetime(Duration.ofSeconds(3)).build().start();
		try (ConfigurableApplicationContext warmUp = instance("warm-up-" + UUID.randomUUID())) {
			call(warmUp, 1).blockLast(Duration.ofSeconds(20));
		}
		BlockingCalls.install();
	}

	@AfterAll
	static void stopServers() {
		sandbox.close();
		redis.close();
	}

	@AfterEach
	void closeFleet() {
		this.fleet.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void redisPathNeverBlocksANonBlockingThread() throws Exception {
		String prefix = "blockhound-" + UUID.randomUUID();
		this.fleet.add(instance(prefix));
		this.fleet.add(instance(prefix));
		sandbox.resetJournal();
		BlockingCalls.clear();
		ConfigurableApplicationContext first = this.fleet.get(0);
		ConfigurableApplicationContext second = this.fleet.get(1);
		try {
			// cold start: concurrent callers on both instances, one token for both
			assertThat(onNonBlockingThread(Flux.merge(call(first, 10), call(second, 10)))).hasSize(20);
			assertThat(sandbox.tokenRequests()).isLessThanOrEqualTo(1);
			// the first instance renews at the refresh-ahead point, the second takes its
			// token from the fleet
			Instant expiry = first.getBean(PosTokenState.class).getExpiresAt();
			sleepUntil(expiry.minusMillis(900));
			assertThat(onNonBlockingThread(call(first, 10))).hasSize(10);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> expiry.isBefore(first.getBean(PosTokenState.class).getExpiresAt()));
			assertThat(onNonBlockingThread(call(second, 10))).hasSize(10);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> second.getBean(RedisPosTokenStore.class).getRenewalsTakenFromFleet() > 0);
			// Redis stopped: the next renewals fall back to each instance's own state
			redis.stop();
			Instant shared = second.getBean(PosTokenState.class).getExpiresAt();
			sleepUntil(shared.minusMillis(900));
			assertThat(onNonBlockingThread(Flux.merge(call(first, 10), call(second, 10)))).hasSize(20);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.fleet.stream()
					.allMatch((instance) -> instance.getBean(RedisPosTokenStore.class).isFallenBack()));
			sleepUntil(shared.plusMillis(20));
			assertThat(onNonBlockingThread(Flux.merge(call(first, 10), call(second, 10)))).hasSize(20);
		}
		finally {
			redis.start();
		}
		assertThat(BlockingCalls.detected()).isEmpty();
	}

	private static ConfigurableApplicationContext instance(String prefix) {
		return new SpringApplicationBuilder(RedisFleetTests.FleetApplication.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties(sandbox.springPropertyValues())
			.properties(redis.springPropertyValues())
			.properties("pos.auth.token-store=redis", "pos.auth.redis.key-prefix=" + prefix,
					"pos.auth.redis.lock-lease=3s", "pos.auth.request-timeout=2s", "pos.auth.refresh-ahead=1s",
					"pos.auth.expiry-margin=500ms", "pos.auth.retry-backoff=100ms", "pos.auth.max-wait=8s",
					"spring.data.redis.timeout=1s", "spring.data.redis.connect-timeout=1s")
			.run();
	}

	private static Flux<String> call(ConfigurableApplicationContext instance, int calls) {
		WebClient webClient = instance.getBean("posWebClient", WebClient.class);
		return Flux.range(0, calls)
			.flatMap((i) -> webClient.get().uri("/whoami").retrieve().bodyToMono(String.class), calls);
	}

	private static List<String> onNonBlockingThread(Flux<String> calls) {
		return Mono.delay(Duration.ofMillis(1))
			.flatMapMany((tick) -> calls)
			.collectList()
			.block(Duration.ofSeconds(20));
	}

	private static void sleepUntil(Instant instant) throws InterruptedException {
		long millis = Duration.between(Instant.now(), instant).toMillis();
		if (millis > 0) {
			Thread.sleep(millis);
		}
	}

}
