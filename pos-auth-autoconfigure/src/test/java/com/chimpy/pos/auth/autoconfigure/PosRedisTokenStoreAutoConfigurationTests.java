package com.chimpy.pos.auth.autoconfigure;

import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.fleet.RedisPosTokenStore;
import com.chimpy.pos.auth.fleet.RedisTokenStoreMeterBinder;
import com.chimpy.pos.auth.health.PosAuthHealthIndicator;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.PosTokenStore;

import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * {@link PosRedisTokenStoreAutoConfiguration}, one test per condition. The Redis
 * connection points at a loopback port nothing listens on: nothing here connects.
 */
class PosRedisTokenStoreAutoConfigurationTests {

	private final ApplicationContextRunner runner = PosAutoConfigurationRunners
		.runner(PosRedisTokenStoreAutoConfiguration.class, DataRedisAutoConfiguration.class,
				PosAuthHealthAutoConfiguration.class)
		.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
		.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=9");

	@Test
	void tokenStaysInMemoryWithoutTheProperty() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PosTokenState.class).doesNotHaveBean(PosTokenStore.class);
			assertThat(storeDetails(context.getBean(PosAuthHealthIndicator.class))).containsEntry("type", "memory");
		});
	}

	@Test
	void tokenStaysInMemoryWhenTheStoreIsMemory() {
		this.runner.withPropertyValues("pos.auth.token-store=memory")
			.run((context) -> assertThat(context).hasSingleBean(PosTokenState.class)
				.doesNotHaveBean(PosTokenStore.class));
	}

	@Test
	void redisStoreWhenTheStoreIsRedis() {
		this.runner.withPropertyValues("pos.auth.token-store=redis").run((context) -> {
			assertThat(context).hasSingleBean(PosTokenState.class).hasSingleBean(RedisPosTokenStore.class);
			assertThat(context.getBean("posTokenStore")).isInstanceOf(RedisPosTokenStore.class);
			assertThat(storeDetails(context.getBean(PosAuthHealthIndicator.class))).containsEntry("type", "redis")
				.containsEntry("fallenBackToLocal", false)
				.containsEntry("encrypted", false);
		});
	}

	@Test
	void redisStoreEncryptsWithAValidKey() {
		this.runner
			.withPropertyValues("pos.auth.token-store=redis",
					"pos.auth.redis.encryption-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
			.run((context) -> assertThat(context.getBean(RedisPosTokenStore.class).getDetails())
				.containsEntry("encrypted", true));
	}

	@Test
	void redisWithoutSpringDataRedisFailsNamingTheStarter() {
		this.runner.withPropertyValues("pos.auth.token-store=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPosPropertyException.class)
				.hasMessageContaining("pos.auth.token-store")
				.hasMessageContaining("spring-boot-starter-data-redis"));
	}

	@Test
	void redisWithoutAConnectionFactoryFailsNamingIt() {
		PosAutoConfigurationRunners.runner(PosRedisTokenStoreAutoConfiguration.class)
			.withPropertyValues(PosAutoConfigurationRunners.REQUIRED)
			.withPropertyValues("pos.auth.token-store=redis")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPosPropertyException.class)
				.hasMessageContaining("ReactiveRedisConnectionFactory"));
	}

	@Test
	void anEncryptionKeyOfTheWrongLengthFailsWithoutShowingIt() {
		this.runner.withPropertyValues("pos.auth.token-store=redis", "pos.auth.redis.encryption-key=c2hvcnQta2V5")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPosPropertyException.class)
				.hasMessageContaining("pos.auth.redis.encryption-key")
				.hasMessageContaining("not 256")
				.hasMessageNotContaining("c2hvcnQta2V5"));
	}

	@Test
	void aLockLeaseNotLongerThanTheRequestTimeoutFails() {
		this.runner
			.withPropertyValues("pos.auth.token-store=redis", "pos.auth.request-timeout=5s",
					"pos.auth.redis.lock-lease=5s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPosPropertyException.class)
				.hasMessageContaining("pos.auth.redis.lock-lease"));
	}

	@Test
	void backsOffForAnApplicationBeanNamedPosTokenStore() {
		this.runner.withPropertyValues("pos.auth.token-store=redis")
			.withUserConfiguration(OwnStore.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(RedisPosTokenStore.class);
				assertThat(context.getBean("posTokenStore")).isSameAs(OwnStore.STORE);
			});
	}

	@Test
	void metersOfTheStoreWithMicrometer() {
		this.runner.withPropertyValues("pos.auth.token-store=redis").run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RedisTokenStoreMeterBinder.class).bindTo(registry);
			assertThat(registry.get("pos.auth.fleet.renewals").tag("source", "here").functionCounter().count())
				.isZero();
			assertThat(registry.get("pos.auth.fleet.renewals").tag("source", "fleet").functionCounter().count())
				.isZero();
			assertThat(registry.get("pos.auth.fleet.renewals").tag("source", "local").functionCounter().count())
				.isZero();
			assertThat(registry.get("pos.auth.fleet.lock.waits").functionCounter().count()).isZero();
			assertThat(registry.get("pos.auth.fleet.fallen.back").gauge().value()).isZero();
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> storeDetails(PosAuthHealthIndicator indicator) {
		return (Map<String, Object>) indicator.health().getDetails().get("tokenStore");
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnStore {

		static final PosTokenStore STORE = mock(PosTokenStore.class);

		@Bean
		PosTokenStore posTokenStore() {
			return STORE;
		}

	}

}
