package com.chimpy.pos.auth.autoconfigure;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.token.InMemoryPosTokenStore;
import com.chimpy.pos.auth.token.PosTokenStore;

import org.springframework.util.ClassUtils;

/**
 * Chooses the {@link PosTokenStore} of the token state: the application's or
 * auto-configured bean named {@code posTokenStore} when there is one, the in-memory store
 * otherwise, and a start-up error that names what to add when
 * {@code pos.auth.token-store=redis} found nothing to share the token with.
 */
final class PosTokenStores {

	static final String TEMPLATE_CLASS = "org.springframework.data.redis.core.ReactiveStringRedisTemplate";

	private PosTokenStores() {
	}

	static PosTokenStore select(PosAuthProperties auth, @Nullable PosTokenStore bean,
			@Nullable ClassLoader classLoader) {
		if (bean != null) {
			return bean;
		}
		if (auth.getTokenStore() == PosAuthProperties.TokenStore.REDIS) {
			if (!ClassUtils.isPresent(TEMPLATE_CLASS, classLoader)) {
				throw new InvalidPosPropertyException("pos.auth.token-store",
						"it is 'redis' but Spring Data Redis is not on the classpath",
						"Add org.springframework.boot:spring-boot-starter-data-redis to the application, or set "
								+ "pos.auth.token-store=memory");
			}
			throw missingConnectionFactory();
		}
		return InMemoryPosTokenStore.INSTANCE;
	}

	static InvalidPosPropertyException missingConnectionFactory() {
		return new InvalidPosPropertyException("pos.auth.token-store",
				"it is 'redis' but the application has no ReactiveRedisConnectionFactory",
				"Add org.springframework.boot:spring-boot-starter-data-redis (Lettuce) and point spring.data.redis.* "
						+ "at the Redis server, or set pos.auth.token-store=memory");
	}

}
