package com.chimpy.pos.auth.fleet;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Reads what the fleet holds for one account (token, guard state, failure and 401
 * backoff) in one command.
 */
final class SharedStateReader {

	private final BoundedRedis redis;

	private final SharedStateCodec codec;

	SharedStateReader(BoundedRedis redis, SharedStateCodec codec) {
		this.redis = redis;
		this.codec = codec;
	}

	Mono<SharedState> read(FleetKeys keys) {
		return this.redis.multiGet(List.of(keys.token(), keys.guard(), keys.failure(), keys.unauthorized()))
			.map((values) -> {
				List<@Nullable String> padded = new ArrayList<>(values);
				while (padded.size() < 4) {
					padded.add(null);
				}
				return new SharedState(this.codec.decodeToken(padded.get(0), keys.token()),
						this.codec.decodeGuard(padded.get(1)), this.codec.decodeFailure(padded.get(2)),
						this.codec.decodeUnauthorized(padded.get(3)));
			});
	}

}
