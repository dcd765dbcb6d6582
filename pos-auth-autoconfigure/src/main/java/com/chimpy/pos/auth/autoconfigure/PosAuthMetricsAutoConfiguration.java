package com.chimpy.pos.auth.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;

import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.observation.PosAccountsMeterBinder;
import com.chimpy.pos.auth.observation.PosAuthMeterBinder;
import com.chimpy.pos.auth.token.PosTokenResponseClient;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of pos-auth's gauges, when Micrometer is on the classpath. (Token
 * requests are observed by {@link PosAuthAutoConfiguration} whenever the application has
 * an {@code ObservationRegistry}.)
 */
@AutoConfiguration(after = PosAuthAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(PosTokenStates.class)
public final class PosAuthMetricsAutoConfiguration {

	@Bean
	@ConditionalOnBean(PosTokenState.class)
	@ConditionalOnMissingBean(name = "posAuthMeterBinder")
	PosAuthMeterBinder posAuthMeterBinder(PosTokenState posTokenState,
			ObjectProvider<PosTokenResponseClient> responseClient) {
		return new PosAuthMeterBinder(posTokenState, responseClient.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean(name = "posAccountsMeterBinder")
	PosAccountsMeterBinder posAccountsMeterBinder(PosTokenStates posTokenStates) {
		return new PosAccountsMeterBinder(posTokenStates);
	}

}
