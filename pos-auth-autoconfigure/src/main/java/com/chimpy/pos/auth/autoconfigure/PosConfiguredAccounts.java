package com.chimpy.pos.auth.autoconfigure;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.account.PosAccount;
import com.chimpy.pos.auth.account.PosAccountResolver;

/**
 * Where accounts come from: the {@code pos.auth.accounts.*} properties first, then the
 * application's {@link PosAccountResolver} beans in their order, the first that knows the
 * account.
 */
final class PosConfiguredAccounts implements PosAccountResolver {

	private final Map<String, PosAuthProperties.Account> properties;

	private final List<PosAccountResolver> resolvers;

	PosConfiguredAccounts(Map<String, PosAuthProperties.Account> properties, List<PosAccountResolver> resolvers) {
		this.properties = Map.copyOf(properties);
		this.resolvers = List.copyOf(resolvers);
	}

	@Override
	public Mono<PosAccount> resolve(String accountName) {
		PosAuthProperties.Account configured = this.properties.get(accountName);
		if (configured != null) {
			return Mono.just(PosAccount
				.of(accountName,
						PosPropertiesValidator.validated("pos.auth.accounts." + accountName + ".username",
								configured.getUsername()),
						PosPropertiesValidator.validated("pos.auth.accounts." + accountName + ".password",
								configured.getPassword()))
				.withClientId(configured.getClientId())
				.withClientSecret(configured.getClientSecret())
				.withAudience(configured.getAudience())
				.withScope(configured.getScope()));
		}
		return Flux.fromIterable(this.resolvers).concatMap((resolver) -> resolver.resolve(accountName), 1).next();
	}

	@Override
	public String toString() {
		return "PosConfiguredAccounts{properties=" + this.properties.keySet() + ", resolvers=" + this.resolvers.size()
				+ "}";
	}

}
