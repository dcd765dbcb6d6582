package com.chimpy.pos.auth.fleet;

import java.time.Clock;

import reactor.core.scheduler.Scheduler;

/**
 * What every renewal of one {@link RedisPosTokenStore} shares.
 *
 * @param redis the bounded Redis commands
 * @param codec what encodes and decodes the stored values
 * @param reader what reads the fleet's state
 * @param settings how to use Redis
 * @param clock where the time comes from
 * @param scheduler where polls and timeouts are scheduled
 * @param outage the fleet's outage backoff
 * @param unauthorized the fleet's 401 backoff
 * @param fallback the renewal with local state
 * @param counters what the renewals did
 */
record FleetContext(BoundedRedis redis, SharedStateCodec codec, SharedStateReader reader,
		RedisTokenStoreSettings settings, Clock clock, Scheduler scheduler, OutageBackoff outage,
		FleetUnauthorizedBackoff unauthorized, LocalFallback fallback, FleetCounters counters) {

}
