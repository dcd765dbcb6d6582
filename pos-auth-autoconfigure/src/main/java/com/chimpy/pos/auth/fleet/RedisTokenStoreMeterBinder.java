package com.chimpy.pos.auth.fleet;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Meters of the shared token store: the counters {@code pos.auth.fleet.renewals} (tag
 * {@code source}: {@code here} for renewals this instance did for the fleet,
 * {@code fleet} for tokens it took from another instance, {@code local} for renewals done
 * with its own state while Redis was unavailable) and {@code pos.auth.fleet.lock.waits}
 * (renewals that waited for another instance), and the gauge
 * {@code pos.auth.fleet.fallen.back} (1 while Redis is unavailable).
 */
public final class RedisTokenStoreMeterBinder implements MeterBinder {

	private final ObjectProvider<RedisPosTokenStore> store;

	/**
	 * Create a binder.
	 * @param store the store to measure (nothing is bound when there is none)
	 */
	public RedisTokenStoreMeterBinder(ObjectProvider<RedisPosTokenStore> store) {
		this.store = store;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		RedisPosTokenStore store = this.store.getIfUnique();
		if (store == null) {
			return;
		}
		FunctionCounter.builder("pos.auth.fleet.renewals", store, RedisPosTokenStore::getRenewalsHere)
			.tag("source", "here")
			.description("Token renewals this instance did for the fleet")
			.register(registry);
		FunctionCounter.builder("pos.auth.fleet.renewals", store, RedisPosTokenStore::getRenewalsTakenFromFleet)
			.tag("source", "fleet")
			.description("Token renewals that took the token another instance obtained")
			.register(registry);
		FunctionCounter.builder("pos.auth.fleet.renewals", store, RedisPosTokenStore::getLocalFallbacks)
			.tag("source", "local")
			.description("Token renewals done with this instance's own state while Redis was unavailable")
			.register(registry);
		FunctionCounter.builder("pos.auth.fleet.lock.waits", store, RedisPosTokenStore::getLockWaits)
			.description("Token renewals that waited for another instance's renewal")
			.register(registry);
		Gauge.builder("pos.auth.fleet.fallen.back", store, (s) -> s.isFallenBack() ? 1 : 0)
			.description("1 while Redis is unavailable and each instance renews its own token")
			.register(registry);
	}

}
