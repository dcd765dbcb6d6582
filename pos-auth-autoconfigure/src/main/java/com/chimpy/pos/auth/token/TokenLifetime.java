package com.chimpy.pos.auth.token;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * How long an access token lives, from the {@code expires_in} of a token response: a
 * number or a string of digits, clamped to {@link #MAX}. A missing, zero or negative
 * value falls back to the {@code exp} claim of a JWT access token (read for timing only,
 * never verified), else to {@link #DEFAULT}: renewing too early is cheap, using a dead
 * token is not.
 */
final class TokenLifetime {

	/**
	 * The longest lifetime taken from a token response; longer or overflowing values are
	 * clamped to it.
	 */
	static final Duration MAX = Duration.ofHours(24);

	/**
	 * The lifetime of a token whose response says nothing usable about it.
	 */
	static final Duration DEFAULT = Duration.ofSeconds(60);

	private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(MAX.toSeconds());

	private TokenLifetime() {
	}

	/**
	 * The lifetime in seconds from now, at least 1 and at most {@link #MAX}.
	 * {@code expires_in} counts from when the server issued the token, at the latest when
	 * the request was sent: the whole seconds the answer took are taken off, so that a
	 * slow answer never makes a token outlive its real expiry.
	 * @param expiresIn the {@code expires_in} value of the response, as parsed from JSON
	 * @param accessToken the access token
	 * @param sentAt when the request was sent
	 * @param now the current time
	 * @return the lifetime in seconds
	 * @throws IllegalArgumentException when {@code expires_in} is neither a number nor a
	 * string of digits
	 */
	static long seconds(@Nullable Object expiresIn, String accessToken, Instant sentAt, Instant now) {
		BigDecimal stated = stated(expiresIn);
		if (stated != null && stated.signum() > 0) {
			long answerSeconds = Math.max(0, Duration.between(sentAt, now).getSeconds());
			return clamp(stated.subtract(BigDecimal.valueOf(answerSeconds)));
		}
		Long exp = jwtExpiry(accessToken);
		if (exp != null && exp > now.getEpochSecond()) {
			return clamp(BigDecimal.valueOf(exp).subtract(BigDecimal.valueOf(now.getEpochSecond())));
		}
		return DEFAULT.toSeconds();
	}

	private static @Nullable BigDecimal stated(@Nullable Object expiresIn) {
		if (expiresIn == null) {
			return null;
		}
		if (expiresIn instanceof Number || (expiresIn instanceof String text && text.trim().matches("-?\\d+"))) {
			try {
				return new BigDecimal(expiresIn.toString().trim());
			}
			catch (NumberFormatException ex) {
				// A double such as Infinity: treat as absurdly long.
				return MAX_SECONDS;
			}
		}
		throw new IllegalArgumentException("expires_in is neither a number nor a string of digits");
	}

	private static long clamp(BigDecimal seconds) {
		return Math.max(1, seconds.min(MAX_SECONDS).longValue());
	}

	private static @Nullable Long jwtExpiry(String accessToken) {
		String[] parts = accessToken.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		try {
			Map<?, ?> claims = JsonMapper.shared().readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
			return (claims != null && claims.get("exp") instanceof Number exp) ? exp.longValue() : null;
		}
		catch (RuntimeException ex) {
			// Not a JWT after all; its payload is never quoted anywhere.
			return null;
		}
	}

}
