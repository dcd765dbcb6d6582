package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timing rules of renewals and retries: refresh-ahead and hard points with their
 * caps, exponential backoff with jitter and its ceiling, and {@code Retry-After} in both
 * of its forms.
 */
class RetryTimingTests {

	private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");

	private final TokenRenewalSettings defaults = TokenRenewalSettings.defaults();

	@Test
	void longLivedTokenIsRenewedFiveMinutesAheadAndAwaitedFromThirtySecondsBeforeExpiry() {
		Instant expires = ISSUED.plus(Duration.ofHours(1));
		assertThat(this.defaults.refreshAheadPoint(ISSUED, expires)).isEqualTo(expires.minus(Duration.ofMinutes(5)));
		assertThat(this.defaults.hardPoint(ISSUED, expires)).isEqualTo(expires.minusSeconds(30));
	}

	@Test
	void shortLivedTokenIsRenewedAtHalfItsLifeAndAwaitedFromItsLastTenth() {
		Instant expires = ISSUED.plusSeconds(2);
		assertThat(this.defaults.refreshAheadPoint(ISSUED, expires)).isEqualTo(ISSUED.plusSeconds(1));
		assertThat(this.defaults.hardPoint(ISSUED, expires)).isEqualTo(ISSUED.plusMillis(1800));
	}

	@RepeatedTest(20)
	void backoffDoublesWithJitterUpToItsCeiling() {
		RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(backoff.delay(1, null)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
		assertThat(backoff.delay(2, null)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
		assertThat(backoff.delay(4, null)).isBetween(Duration.ofMillis(6400), Duration.ofMillis(9600));
		assertThat(backoff.delay(40, null)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(36));
	}

	@Test
	void backoffIsNeverShorterThanRetryAfter() {
		RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(backoff.delay(1, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
		assertThat(backoff.delay(1, Duration.ofMillis(10))).isGreaterThanOrEqualTo(Duration.ofMillis(800));
	}

	@Test
	void retryAfterInSeconds() {
		assertThat(RetryHint.retryAfter("120", Instant.now())).isEqualTo(Duration.ofSeconds(120));
		assertThat(RetryHint.retryAfter(" 3 ", Instant.now())).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void retryAfterAsHttpDate() {
		String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
		assertThat(RetryHint.retryAfter(inAMinute, Instant.now())).isBetween(Duration.ofSeconds(55),
				Duration.ofSeconds(60));
		String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
		assertThat(RetryHint.retryAfter(past, Instant.now())).isZero();
	}

	@Test
	void retryAfterThatIsNeitherIsIgnored() {
		assertThat(RetryHint.retryAfter("soon", Instant.now())).isNull();
		assertThat(RetryHint.retryAfter("", Instant.now())).isNull();
		assertThat(RetryHint.retryAfter(null, Instant.now())).isNull();
	}

}
