package com.chimpy.pos.auth.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet of application instances (one application context each) sharing one PoS sandbox
 * and one real Redis server through {@code pos.auth.token-store=redis}. Every count comes
 * from the sandbox's request journal.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisFleetTests {

	private static final int INSTANCES = 4;

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

	private static EmbeddedRedis redis;

	private final List<ConfigurableApplicationContext> fleet = new ArrayList<>();

	private final String prefix = "fleet-" + UUID.randomUUID();

	private PosSandbox sandbox;

	@BeforeAll
	static void startRedis() {
		redis = EmbeddedRedis.started();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@AfterEach
	void closeFleet() {
		this.fleet.parallelStream().forEach(ConfigurableApplicationContext::close);
		if (this.sandbox != null) {
			this.sandbox.close();
		}
	}

	@Test
	void coldStartWithConcurrentCallsOnEveryInstanceMakesOneTokenRequestForTheFleet() throws Exception {
		startFleet(PosSandbox.builder(), INSTANCES);
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService callers = Executors.newFixedThreadPool(INSTANCES * 4);
		try {
			List<Future<String>> tokens = new ArrayList<>();
			for (ConfigurableApplicationContext instance : this.fleet) {
				PosTokenState state = instance.getBean(PosTokenState.class);
				for (int i = 0; i < 4; i++) {
					tokens.add(callers.submit(() -> {
						go.await();
						return state.authorizedClient().block(CALL_TIMEOUT).getAccessToken().getTokenValue();
					}));
				}
			}
			go.countDown();
			Set<String> distinct = new HashSet<>();
			for (Future<String> token : tokens) {
				distinct.add(token.get(20, TimeUnit.SECONDS));
			}
			assertThat(distinct).as("every instance uses the one token of the fleet").hasSize(1);
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(this.sandbox.tokenRequests()).isEqualTo(1);
	}

	@Test
	void loadAcrossThreeTokenLifetimesRenewsAsOneInstanceWouldWithoutFailedCalls() throws Exception {
		startFleet(PosSandbox.builder().tokenLifetime(Duration.ofSeconds(3)), INSTANCES);
		Load load = Load.start(this.fleet);
		Thread.sleep(9_500);
		load.stop();

		assertThat(load.failures()).as("failed calls").isZero();
		assertThat(load.calls()).isGreaterThan(INSTANCES * 10);
		List<String> refreshTokens = this.sandbox.refreshTokensSent();
		assertThat(new HashSet<>(refreshTokens)).as("no refresh token is sent twice").hasSameSizeAs(refreshTokens);
		assertThat(this.sandbox.tokenRequests("password")).as("one login for the fleet").isEqualTo(1);
		// A token of 3 s is renewed 1 s before it expires: one instance alone renews at
		// most every 2 s, so at most 1 + 9.5 / 2 token requests in all (and 4 times as
		// many if every instance renewed its own).
		assertThat(this.sandbox.tokenRequests()).as("token requests of the fleet").isBetween(3, 6);
	}

	@Test
	void wrongPasswordOnEveryInstanceReachesTheServerAtMostMaxCredentialRejectionsTimes() throws Exception {
		startFleet(PosSandbox.builder().maxFailedLogins(100), INSTANCES, "pos.auth.password=wrong-password",
				"pos.auth.rejection-backoff=100ms", "pos.auth.max-credential-rejections=3");
		Load load = Load.start(this.fleet);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> this.fleet.stream().allMatch((instance) -> instance.getBean(PosTokenState.class).isStopped()));
		Thread.sleep(1_000);
		load.stop();

		assertThat(this.sandbox.tokenRequests("password")).as("password attempts of the fleet").isBetween(1, 3);
		assertThat(load.failures()).isEqualTo(load.calls());

		this.fleet.get(0).getBean(PosTokenState.class).reset();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.fleet.stream()
				.noneMatch((instance) -> instance.getBean(PosTokenState.class).isStopped()));
	}

	@Test
	void whenTheRenewingInstanceIsClosedMidRenewalAnotherInstanceRenewsWithinTheLease() throws Exception {
		startFleet(PosSandbox.builder(), INSTANCES);
		this.sandbox.tokenEndpoint().failNext(1, Fault.latency(Duration.ofSeconds(3)));
		ConfigurableApplicationContext renewing = this.fleet.get(0);
		StringRedisTemplate redisTemplate = this.fleet.get(1).getBean(StringRedisTemplate.class);
		renewing.getBean(PosTokenState.class).authorizedClient().subscribe(null, (ex) -> {
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> !redisTemplate.keys(this.prefix + ":*:lock").isEmpty());
		renewing.close();

		// The lease is 3 s, a renewal's request timeout 2 s.
		OAuth2AuthorizedClient client = this.fleet.get(1)
			.getBean(PosTokenState.class)
			.authorizedClient()
			.block(Duration.ofSeconds(10));
		assertThat(client).isNotNull();
		for (ConfigurableApplicationContext instance : this.fleet.subList(2, INSTANCES)) {
			assertThat(instance.getBean(PosTokenState.class)
				.authorizedClient()
				.block(CALL_TIMEOUT)
				.getAccessToken()
				.getTokenValue()).isEqualTo(client.getAccessToken().getTokenValue());
		}
		// The closed instance's request and the one renewal of the others.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.sandbox.tokenRequests() == 2);
	}

	@Test
	void redisStoppedMidLoadFailsNoCallAndOneTokenIsSharedAgainOnceItIsBack() throws Exception {
		startFleet(PosSandbox.builder().tokenLifetime(Duration.ofSeconds(3)), INSTANCES);
		Load load = Load.start(this.fleet);
		try {
			Thread.sleep(2_000);
			redis.stop();
			Thread.sleep(4_000);
			assertThat(this.fleet.stream()
				.map((instance) -> instance.getBean(RedisPosTokenStore.class))
				.filter(RedisPosTokenStore::isFallenBack)).isNotEmpty();
			redis.start();
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(this::oneSharedToken);
		}
		finally {
			load.stop();
			if (!isRedisUp()) {
				redis.start();
			}
		}
		assertThat(load.failures()).as("failed calls").isZero();
		List<String> refreshTokens = this.sandbox.refreshTokensSent();
		assertThat(new HashSet<>(refreshTokens)).as("no refresh token is sent twice").hasSameSizeAs(refreshTokens);
	}

	@Test
	void anApiThatRejectsEveryTokenCostsTheFleetTheReplacementsOfOneInstance() throws Exception {
		startFleet(PosSandbox.builder(), INSTANCES, "pos.auth.unauthorized-backoff=500ms",
				"pos.auth.max-unauthorized-backoff=8s");
		for (ConfigurableApplicationContext instance : this.fleet) {
			instance.getBean(PosTokenState.class).authorizedClient().block(CALL_TIMEOUT);
		}
		this.sandbox.resetJournal();
		this.sandbox.api().failAlways(Fault.status(401));
		// The instances start calling one after the other, as after a rolling
		// deploy: each meets the 401s at another point of the backoff.
		List<Load> loads = new ArrayList<>();
		for (ConfigurableApplicationContext instance : this.fleet) {
			loads.add(Load.start(List.of(instance)));
			Thread.sleep(1_600);
		}
		Thread.sleep(8_000 - 1_600 * INSTANCES);
		for (Load load : loads) {
			load.stop();
			assertThat(load.failures()).as("every call gets the API's 401").isEqualTo(load.calls()).isPositive();
		}
		// One instance alone replaces the token at the first 401, then after pauses of
		// 0.5, 1, 2 and 4 s (and 8 s, beyond the 8 s of calls): 5 token requests. With a
		// backoff per instance, each instance that starts later would replace the shared
		// token again after its own first, short pauses (8 token requests measured).
		assertThat(this.sandbox.tokenRequests()).as("token requests of the fleet").isBetween(3, 6);
	}

	private boolean oneSharedToken() {
		Set<String> tokens = new HashSet<>();
		for (ConfigurableApplicationContext instance : this.fleet) {
			tokens.add(instance.getBean(PosTokenState.class)
				.authorizedClient()
				.block(CALL_TIMEOUT)
				.getAccessToken()
				.getTokenValue());
		}
		return tokens.size() == 1;
	}

	private static boolean isRedisUp() {
		try (java.net.Socket socket = new java.net.Socket()) {
			socket.connect(new java.net.InetSocketAddress("127.0.0.1", redis.port()), 500);
			return true;
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

	private void startFleet(PosSandbox.Builder sandbox, int instances, String... properties) {
		this.sandbox = sandbox.build().start();
		for (int i = 0; i < instances; i++) {
			this.fleet.add(new SpringApplicationBuilder(FleetApplication.class).web(WebApplicationType.NONE)
				.logStartupInfo(false)
				.properties(this.sandbox.springPropertyValues())
				.properties(redis.springPropertyValues())
				.properties("pos.auth.token-store=redis", "pos.auth.redis.key-prefix=" + this.prefix,
						"pos.auth.redis.lock-lease=3s", "pos.auth.request-timeout=2s", "pos.auth.refresh-ahead=1s",
						"pos.auth.expiry-margin=500ms", "pos.auth.retry-backoff=100ms", "pos.auth.max-wait=8s",
						"spring.data.redis.timeout=1s", "spring.data.redis.connect-timeout=1s")
				.properties(properties)
				.run());
		}
		this.sandbox.resetJournal();
	}

	/**
	 * Calls of the PoS API on every instance, each through its {@code posWebClient}.
	 */
	static final class Load {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger calls = new AtomicInteger();

		private final AtomicInteger failures = new AtomicInteger();

		private final List<Thread> threads = new ArrayList<>();

		static Load start(List<ConfigurableApplicationContext> fleet) {
			Load load = new Load();
			for (ConfigurableApplicationContext instance : fleet) {
				WebClient client = instance.getBean("posWebClient", WebClient.class);
				for (int i = 0; i < 2; i++) {
					Thread thread = new Thread(() -> load.run(client));
					thread.setDaemon(true);
					load.threads.add(thread);
					thread.start();
				}
			}
			return load;
		}

		private void run(WebClient client) {
			while (this.running.get()) {
				try {
					client.get().uri("/whoami").retrieve().toBodilessEntity().block(CALL_TIMEOUT);
				}
				catch (RuntimeException ex) {
					this.failures.incrementAndGet();
				}
				this.calls.incrementAndGet();
				try {
					Thread.sleep(25);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join(15_000);
			}
		}

		int calls() {
			return this.calls.get();
		}

		int failures() {
			return this.failures.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FleetApplication {

		// Each instance has its own event loops, as separate processes would: closing one
		// instance must not shut down Reactor Netty's global resources under the others.
		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			factory.setShutdownQuietPeriod(Duration.ZERO);
			factory.setShutdownTimeout(Duration.ofSeconds(1));
			return factory;
		}

	}

}
