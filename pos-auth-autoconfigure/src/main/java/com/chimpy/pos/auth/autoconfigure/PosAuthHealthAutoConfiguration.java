package com.chimpy.pos.auth.autoconfigure;

import com.chimpy.pos.auth.account.PosTokenStateFactory;
import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.health.PosAuthHealthIndicator;
import com.chimpy.pos.auth.token.InMemoryPosTokenStore;
import com.chimpy.pos.auth.token.PosTokenStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code posAuth} health indicator, when Boot's health support
 * is present. Switch it off with {@code management.health.pos-auth.enabled=false}.
 */
@AutoConfiguration(after = PosAuthAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(PosTokenStates.class)
@ConditionalOnEnabledHealthIndicator("pos-auth")
public final class PosAuthHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "posAuthHealthIndicator")
	PosAuthHealthIndicator posAuthHealthIndicator(PosTokenStates posTokenStates,
			@Qualifier("posTokenStateFactory") ObjectProvider<PosTokenStateFactory> posTokenStateFactory,
			@Qualifier("posTokenStore") ObjectProvider<PosTokenStore> posTokenStore) {
		// the store the states renew through; an application's own factory is opaque, so
		// its store is the posTokenStore bean if there is one
		PosTokenStore store = (posTokenStateFactory.getIfAvailable() instanceof PosAccountTokenStateFactory factory)
				? factory.store() : posTokenStore.getIfAvailable(() -> InMemoryPosTokenStore.INSTANCE);
		return new PosAuthHealthIndicator(posTokenStates, store);
	}

}
