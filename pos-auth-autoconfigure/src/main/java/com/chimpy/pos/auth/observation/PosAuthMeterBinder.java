package com.chimpy.pos.auth.observation;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.util.Assert;

/**
 * Gauges of the token state: {@code pos.auth.token.expires.in} (seconds until the current token expires, 0 when
 * none is held) and {@code pos.auth.credential.guard} (0 while credentials are accepted, 1 while a rejection
 * holds password grants back, 2 once they have stopped); the counter {@code pos.auth.unauthorized.replays}
 * (requests replayed with a new token after a 401).
 */
public final class PosAuthMeterBinder implements MeterBinder {

	private final PosTokenState tokenState;

	/**
	 * Create a binder.
	 * @param tokenState the token state to measure
	 */
	public PosAuthMeterBinder(PosTokenState tokenState) {
		Assert.notNull(tokenState, "tokenState must not be null");
		this.tokenState = tokenState;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("pos.auth.token.expires.in", this.tokenState, PosAuthMeterBinder::secondsUntilExpiry)
			.description("Seconds until the current PoS access token expires")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder("pos.auth.credential.guard", this.tokenState, PosAuthMeterBinder::guardState)
			.description("0: credentials accepted, 1: password grants held back after a rejection, 2: stopped")
			.register(registry);
		FunctionCounter.builder("pos.auth.unauthorized.replays", this.tokenState, PosTokenState::getUnauthorizedReplays)
			.description("Requests replayed with a new token after a 401 from the PoS API")
			.register(registry);
	}

	private static double secondsUntilExpiry(PosTokenState state) {
		Instant expiresAt = state.getExpiresAt();
		return (expiresAt != null) ? Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis() / 1000.0) : 0;
	}

	private static double guardState(PosTokenState state) {
		if (state.isStopped()) {
			return 2;
		}
		return (state.getCredentialRejection() != null) ? 1 : 0;
	}

}
