package com.chimpy.pos.auth.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import com.chimpy.pos.auth.token.TokenEndpointException;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * How one renewal waits while another instance holds the account's lock: it looks at the
 * fleet again every poll interval, on the store's scheduler, and gives up once the
 * holder's lease (plus one command timeout) has ended.
 */
final class LockWait {

	private final String name;

	private final Duration pollInterval;

	private final Clock clock;

	private final Scheduler scheduler;

	private final FleetCounters counters;

	private final Instant deadline;

	private boolean waited;

	LockWait(String name, RedisTokenStoreSettings settings, Clock clock, Scheduler scheduler, FleetCounters counters) {
		this.name = name;
		this.pollInterval = settings.pollInterval();
		this.clock = clock;
		this.scheduler = scheduler;
		this.counters = counters;
		this.deadline = clock.instant().plus(settings.lockLease()).plus(settings.timeout());
	}

	/**
	 * Look until a look answers.
	 * @param <T> the type of the answer
	 * @param look one look at the fleet, empty to look again
	 * @return the first answer
	 */
	<T> Mono<T> poll(Supplier<Mono<T>> look) {
		return Mono.defer(look)
			.repeatWhenEmpty(Integer.MAX_VALUE,
					(polls) -> polls.concatMap((poll) -> Mono.delay(this.pollInterval, this.scheduler)));
	}

	/**
	 * The lock is held by another instance: empty to look again, or an error once its
	 * lease has ended.
	 * @param <T> the type of the answer
	 * @return empty, or the error
	 */
	<T> Mono<T> held() {
		if (!this.waited) {
			this.waited = true;
			this.counters.waitedForLock();
		}
		if (this.clock.instant().isAfter(this.deadline)) {
			return Mono.error(new TokenEndpointException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE),
					this.name, "Another instance of the fleet held the renewal lock longer than its lease",
					TokenEndpointException.Kind.UNAVAILABLE, true, false, 0, null, null));
		}
		return Mono.empty();
	}

}
