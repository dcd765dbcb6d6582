package com.chimpy.pos.auth.observation;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.token.PosTokenResponseClient;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.util.Assert;

/**
 * Gauges of the token state: {@code pos.auth.token.expires.in} (seconds until the current
 * token expires, 0 when none is held) and {@code pos.auth.credential.guard} (0 while
 * credentials are accepted, 1 while a rejection holds password grants back, 2 once they
 * have stopped); the counters {@code pos.auth.unauthorized.replays} (requests replayed
 * with a new token after a 401) and {@code pos.auth.unauthorized.held.back} (401s passed
 * to the caller because the rejected token had only just replaced another); and, with the
 * token endpoint client, the gauge {@code pos.auth.rate.limit.remaining} (the last
 * {@code X-RateLimit-Remaining} the token endpoint sent).
 */
public final class PosAuthMeterBinder implements MeterBinder {

	private final PosTokenState tokenState;

	private final @Nullable PosTokenResponseClient responseClient;

	/**
	 * Create a binder for the token state alone.
	 * @param tokenState the token state to measure
	 */
	public PosAuthMeterBinder(PosTokenState tokenState) {
		this(tokenState, null);
	}

	/**
	 * Create a binder.
	 * @param tokenState the token state to measure
	 * @param responseClient the token endpoint client whose rate-limit headers to report,
	 * or {@code null}
	 */
	public PosAuthMeterBinder(PosTokenState tokenState, @Nullable PosTokenResponseClient responseClient) {
		Assert.notNull(tokenState, "tokenState must not be null");
		this.tokenState = tokenState;
		this.responseClient = responseClient;
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
		FunctionCounter
			.builder("pos.auth.unauthorized.held.back", this.tokenState, PosTokenState::getUnauthorizedHeldBack)
			.description("401s from the PoS API passed to the caller because the token had only just replaced a "
					+ "rejected one")
			.register(registry);
		if (this.responseClient != null) {
			Gauge.builder("pos.auth.rate.limit.remaining", this.responseClient, PosAuthMeterBinder::rateLimitRemaining)
				.description("Token requests left in the authorization server's rate-limit window, from the last "
						+ "X-RateLimit-Remaining header (NaN until one was seen)")
				.register(registry);
		}
	}

	private static double rateLimitRemaining(PosTokenResponseClient client) {
		long remaining = client.getRateLimitRemaining();
		return (remaining >= 0) ? remaining : Double.NaN;
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
