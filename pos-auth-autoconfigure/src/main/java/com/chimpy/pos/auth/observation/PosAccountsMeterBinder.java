package com.chimpy.pos.auth.observation;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import com.chimpy.pos.auth.account.PosTokenStates;

import org.springframework.util.Assert;

/**
 * Gauges over the accounts other than the default one, aggregated so that the number of
 * meters does not grow with the number of accounts (no account tag):
 * {@code pos.auth.accounts.held} (accounts with a token state held),
 * {@code pos.auth.accounts.stopped} (accounts whose password grants have stopped after
 * rejections), {@code pos.auth.accounts.backing.off} (accounts backing off after a
 * rejection or a token endpoint failure); and the counters
 * {@code pos.auth.accounts.created} and {@code pos.auth.accounts.evicted} (states
 * created, and dropped for being idle). Account names appear in logs and in the health
 * details only.
 */
public final class PosAccountsMeterBinder implements MeterBinder {

	private final PosTokenStates tokenStates;

	/**
	 * Create a binder.
	 * @param tokenStates the token states to measure
	 */
	public PosAccountsMeterBinder(PosTokenStates tokenStates) {
		Assert.notNull(tokenStates, "tokenStates must not be null");
		this.tokenStates = tokenStates;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("pos.auth.accounts.held", this.tokenStates, PosTokenStates::getHeldCount)
			.description("PoS accounts (other than the default one) whose token state is held")
			.register(registry);
		Gauge.builder("pos.auth.accounts.stopped", this.tokenStates, PosTokenStates::getStoppedCount)
			.description("PoS accounts whose password grants have stopped after rejections of their credentials")
			.register(registry);
		Gauge.builder("pos.auth.accounts.backing.off", this.tokenStates, PosTokenStates::getBackingOffCount)
			.description("PoS accounts backing off after a rejection of their credentials or a token endpoint failure")
			.register(registry);
		FunctionCounter.builder("pos.auth.accounts.created", this.tokenStates, PosTokenStates::getCreatedCount)
			.description("Token states created for PoS accounts")
			.register(registry);
		FunctionCounter.builder("pos.auth.accounts.evicted", this.tokenStates, PosTokenStates::getEvictedCount)
			.description("Token states of PoS accounts dropped after being idle")
			.register(registry);
	}

}
