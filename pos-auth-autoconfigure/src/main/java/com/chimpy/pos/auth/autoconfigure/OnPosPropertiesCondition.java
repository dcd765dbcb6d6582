package com.chimpy.pos.auth.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application sets any {@code pos.auth.*} or {@code pos.api.*} property
 * and has not set {@code pos.auth.enabled=false}. Without any such property pos-auth
 * stays silent instead of failing the application; with some of them, missing required
 * ones fail start-up with a clear message.
 */
final class OnPosPropertiesCondition extends SpringBootCondition {

	private static final ConfigurationPropertyName AUTH = ConfigurationPropertyName.of("pos.auth");

	private static final ConfigurationPropertyName API = ConfigurationPropertyName.of("pos.api");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Boolean enabled = Binder.get(context.getEnvironment()).bind("pos.auth.enabled", Boolean.class).orElse(true);
		if (!enabled) {
			return ConditionOutcome.noMatch("pos.auth.enabled is false");
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source.containsDescendantOf(AUTH) == ConfigurationPropertyState.PRESENT
					|| source.containsDescendantOf(API) == ConfigurationPropertyState.PRESENT) {
				return ConditionOutcome.match("pos.auth.* or pos.api.* properties are set");
			}
		}
		return ConditionOutcome.noMatch("no pos.auth.* or pos.api.* property is set");
	}

}
