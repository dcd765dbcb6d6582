package com.chimpy.pos.auth.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when the top-level {@code pos.auth.username} or {@code pos.auth.password} is
 * set: then there is a default account (and the properties validation has made sure both
 * are).
 */
final class OnDefaultAccountCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		String username = binder.bind("pos.auth.username", String.class).orElse(null);
		String password = binder.bind("pos.auth.password", String.class).orElse(null);
		if (StringUtils.hasText(username) || StringUtils.hasText(password)) {
			return ConditionOutcome.match("pos.auth.username or pos.auth.password is set: a default account");
		}
		return ConditionOutcome.noMatch("neither pos.auth.username nor pos.auth.password is set: no default account");
	}

}
