package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.StringUtils;

/**
 * When the token endpoint asks to be called again: {@code Retry-After} (seconds or an
 * HTTP date) and Auth0's {@code X-RateLimit-Reset} (a UNIX time in seconds, on 429
 * answers), whichever says later. A hint in the past counts as "now"; a hint further away
 * than {@link #MAX} or one that cannot be read is ignored, so the plain backoff applies.
 */
final class RetryHint {

	/**
	 * The furthest hint that is taken seriously.
	 */
	static final Duration MAX = Duration.ofHours(24);

	/**
	 * Auth0's header with the UNIX time (seconds) at which the rate limit resets.
	 */
	static final String RATE_LIMIT_RESET = "X-RateLimit-Reset";

	/**
	 * Auth0's header with the number of requests left in the current rate-limit window.
	 */
	static final String RATE_LIMIT_REMAINING = "X-RateLimit-Remaining";

	private static final int MAX_DIGITS = 12;

	private RetryHint() {
	}

	/**
	 * The delay the server asked for.
	 * @param headers the headers of the answer
	 * @param status the HTTP status of the answer
	 * @param now the current time
	 * @return the delay, or {@code null} when the answer asks for none that can be
	 * honoured
	 */
	static @Nullable Duration of(HttpHeaders headers, int status, Instant now) {
		Duration retryAfter = retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER), now);
		Duration reset = (status == 429) ? rateLimitReset(headers.getFirst(RATE_LIMIT_RESET), now) : null;
		if (retryAfter == null || (reset != null && reset.compareTo(retryAfter) > 0)) {
			return reset;
		}
		return retryAfter;
	}

	/**
	 * The delay of a {@code Retry-After} value.
	 * @param value the header value: seconds or an HTTP date
	 * @param now the current time
	 * @return the delay, or {@code null}
	 */
	static @Nullable Duration retryAfter(@Nullable String value, Instant now) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String trimmed = value.trim();
		if (trimmed.matches("\\d+")) {
			return sensible((trimmed.length() <= MAX_DIGITS) ? Duration.ofSeconds(Long.parseLong(trimmed)) : null);
		}
		try {
			return until(ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), now);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static @Nullable Duration rateLimitReset(@Nullable String value, Instant now) {
		if (!StringUtils.hasText(value) || !value.trim().matches("\\d{1," + MAX_DIGITS + "}")) {
			return null;
		}
		Instant reset = Instant.ofEpochSecond(Long.parseLong(value.trim()));
		// A reset that has passed already says nothing about when to try again.
		return reset.isAfter(now) ? until(reset, now) : null;
	}

	private static @Nullable Duration until(Instant instant, Instant now) {
		Duration until = Duration.between(now, instant);
		return sensible(until.isNegative() ? Duration.ZERO : until);
	}

	private static @Nullable Duration sensible(@Nullable Duration delay) {
		return (delay != null && delay.compareTo(MAX) <= 0) ? delay : null;
	}

	/**
	 * The number of requests left in the rate-limit window, from
	 * {@code X-RateLimit-Remaining}.
	 * @param headers the headers of an answer
	 * @return the count, or {@code -1} when the answer does not say
	 */
	static long rateLimitRemaining(HttpHeaders headers) {
		String value = headers.getFirst(RATE_LIMIT_REMAINING);
		return (value != null && value.trim().matches("\\d{1," + MAX_DIGITS + "}")) ? Long.parseLong(value.trim()) : -1;
	}

}
