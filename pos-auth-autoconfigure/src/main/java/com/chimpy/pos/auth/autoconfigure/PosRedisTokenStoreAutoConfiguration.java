package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.fleet.RedisPosTokenStore;
import com.chimpy.pos.auth.fleet.RedisTokenStoreMeterBinder;
import com.chimpy.pos.auth.fleet.RedisTokenStoreSettings;
import com.chimpy.pos.auth.fleet.TokenCipher;
import com.chimpy.pos.auth.token.TokenRenewalSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the shared token store: with Spring Data Redis on the classpath
 * and {@code pos.auth.token-store=redis}, the {@code posTokenStore} bean is a
 * {@link RedisPosTokenStore} on the application's {@link ReactiveRedisConnectionFactory}
 * (Boot's, from {@code spring.data.redis.*}). It backs off when the application defines a
 * bean named {@code posTokenStore}.
 */
@AutoConfiguration(before = PosAuthAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration" })
@ConditionalOnClass(name = PosTokenStores.TEMPLATE_CLASS)
@ConditionalOnProperty(name = "pos.auth.token-store", havingValue = "redis")
@Conditional(OnPosPropertiesCondition.class)
@EnableConfigurationProperties({ PosAuthProperties.class, PosRedisTokenStoreProperties.class })
public final class PosRedisTokenStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "posTokenStore")
	RedisPosTokenStore posTokenStore(ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory,
			PosAuthProperties auth, PosRedisTokenStoreProperties redis) {
		ReactiveRedisConnectionFactory factory = connectionFactory.getIfUnique();
		if (factory == null) {
			throw PosTokenStores.missingConnectionFactory();
		}
		TokenRenewalSettings renewal = auth.toRenewalSettings();
		Duration lease = (redis.getLockLease() != null) ? redis.getLockLease()
				: renewal.requestTimeout().plusSeconds(10);
		if (lease.compareTo(renewal.requestTimeout()) <= 0) {
			throw new InvalidPosPropertyException("pos.auth.redis.lock-lease",
					"it is " + lease.toMillis() + " ms, not longer than pos.auth.request-timeout ("
							+ renewal.requestTimeout().toMillis() + " ms), so a lock could end mid-renewal",
					"Make pos.auth.redis.lock-lease longer than pos.auth.request-timeout, or remove it");
		}
		if (!StringUtils.hasText(redis.getKeyPrefix())) {
			throw new InvalidPosPropertyException("pos.auth.redis.key-prefix", "it is empty",
					"Set a prefix, or remove the property for the default 'pos-auth'");
		}
		RedisTokenStoreSettings settings = new RedisTokenStoreSettings(redis.getKeyPrefix(), redis.getTimeout(), lease,
				redis.getPollInterval(), renewal.retryBackoff(), renewal.maxRetryBackoff(),
				renewal.unauthorizedBackoff(), renewal.maxUnauthorizedBackoff());
		return new RedisPosTokenStore(new ReactiveStringRedisTemplate(factory), settings,
				cipher(redis.getEncryptionKey()));
	}

	private static @Nullable TokenCipher cipher(@Nullable String encryptionKey) {
		if (!StringUtils.hasText(encryptionKey)) {
			return null;
		}
		try {
			return TokenCipher.of(encryptionKey);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPosPropertyException("pos.auth.redis.encryption-key", String.valueOf(ex.getMessage()),
					"Set it to 32 random bytes in Base64, for example the output of 'openssl rand -base64 32'");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static final class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "posTokenStoreMeterBinder")
		RedisTokenStoreMeterBinder posTokenStoreMeterBinder(ObjectProvider<RedisPosTokenStore> store) {
			return new RedisTokenStoreMeterBinder(store);
		}

	}

}
