package com.chimpy.pos.auth.fleet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.PosTokenRenewal;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * A renewal done with this instance's own state because Redis is unavailable. It never
 * sends the refresh token this instance last saw in Redis for the account: another
 * instance may be spending it.
 */
final class LocalFallback {

	private final BoundedRedis redis;

	private final FleetCounters counters;

	private final Map<String, String> sharedRefreshTokens = new ConcurrentHashMap<>();

	LocalFallback(BoundedRedis redis, FleetCounters counters) {
		this.redis = redis;
		this.counters = counters;
	}

	/**
	 * Remember the refresh token of a token seen in or sent to Redis.
	 * @param account the account's key
	 * @param token the token, or {@code null}
	 */
	void remember(String account, @Nullable SharedToken token) {
		if (token != null && token.refresh() != null) {
			this.sharedRefreshTokens.put(account, token.refresh());
		}
	}

	/**
	 * Renew with this instance's own state.
	 * @param renewal the renewal
	 * @param ex why Redis is unavailable
	 * @return the authorized client
	 */
	Mono<OAuth2AuthorizedClient> renew(PosTokenRenewal renewal, Throwable ex) {
		this.redis.fellBack(ex);
		this.counters.fellBackToLocal();
		OAuth2RefreshToken refresh = renewal.refreshToken();
		if (refresh != null && refresh.getTokenValue().equals(this.sharedRefreshTokens.get(renewal.key()))) {
			refresh = null;
		}
		return renewal.renew(refresh);
	}

}
