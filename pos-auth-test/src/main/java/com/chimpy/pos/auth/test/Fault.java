package com.chimpy.pos.auth.test;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure that the sandbox injects into one answer of an endpoint, queued with
 * {@link Faults}.
 *
 * <p>
 * Instances are immutable and made by the static factories. Except for
 * {@link #latency(Duration)}, a faulted request is not processed: no token is issued, no
 * login attempt is counted and no order is created. The request still appears in the
 * sandbox's request journal.
 */
public final class Fault {

	/** What a fault does to the answer. */
	enum Kind {

		/** The real answer, sent late. */
		LATENCY,
		/** An error status with a JSON error body. */
		STATUS,
		/** The connection is reset instead of an answer. */
		CONNECTION_RESET,
		/** 200 with a body that is not JSON. */
		MALFORMED_BODY,
		/** 200 JSON token answer without {@code access_token} (token endpoint only). */
		MISSING_ACCESS_TOKEN,
		/**
		 * 200 JSON token answer whose {@code token_type} is {@code mac} (token endpoint
		 * only).
		 */
		WRONG_TOKEN_TYPE

	}

	private final Kind kind;

	private final int status;

	private final Duration delay;

	private final int retryAfterSeconds;

	private Fault(Kind kind, int status, Duration delay, int retryAfterSeconds) {
		this.kind = kind;
		this.status = status;
		this.delay = delay;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/**
	 * The real answer, delayed.
	 * @param delay how long to hold the answer back; not negative, at most one hour
	 * @return the fault
	 */
	public static Fault latency(Duration delay) {
		Objects.requireNonNull(delay, "delay must not be null");
		if (delay.isNegative() || delay.compareTo(Duration.ofHours(1)) > 0) {
			throw new IllegalArgumentException("delay must be between 0 and 1 hour, was " + delay);
		}
		return new Fault(Kind.LATENCY, 0, delay, -1);
	}

	/**
	 * An answer with the given error status and the JSON body
	 * {@code {"error":"server_error",...}} for 5xx statuses (other statuses get an error
	 * code that matches them). A 401 from the PoS API also carries
	 * {@code WWW-Authenticate: Bearer error="invalid_token"}.
	 * @param status an HTTP status from 400 to 599
	 * @return the fault
	 */
	public static Fault status(int status) {
		if (status < 400 || status > 599) {
			throw new IllegalArgumentException("status must be an error status (400-599), was " + status);
		}
		return new Fault(Kind.STATUS, status, Duration.ZERO, -1);
	}

	/**
	 * HTTP 429 with a {@code Retry-After} header.
	 * @param retryAfterSeconds the value of {@code Retry-After}; not negative
	 * @return the fault
	 */
	public static Fault tooManyRequests(int retryAfterSeconds) {
		return new Fault(Kind.STATUS, 429, Duration.ZERO, checkRetryAfter(retryAfterSeconds));
	}

	/**
	 * HTTP 503 with a {@code Retry-After} header.
	 * @param retryAfterSeconds the value of {@code Retry-After}; not negative
	 * @return the fault
	 */
	public static Fault serviceUnavailable(int retryAfterSeconds) {
		return new Fault(Kind.STATUS, 503, Duration.ZERO, checkRetryAfter(retryAfterSeconds));
	}

	/**
	 * The server resets the connection instead of answering.
	 * @return the fault
	 */
	public static Fault connectionReset() {
		return new Fault(Kind.CONNECTION_RESET, 0, Duration.ZERO, -1);
	}

	/**
	 * HTTP 200 whose body claims to be JSON but is not.
	 * @return the fault
	 */
	public static Fault malformedBody() {
		return new Fault(Kind.MALFORMED_BODY, 200, Duration.ZERO, -1);
	}

	/**
	 * HTTP 200 with a JSON token answer that lacks {@code access_token}. Token endpoint
	 * only.
	 * @return the fault
	 */
	public static Fault missingAccessToken() {
		return new Fault(Kind.MISSING_ACCESS_TOKEN, 200, Duration.ZERO, -1);
	}

	/**
	 * HTTP 200 with a JSON token answer whose {@code token_type} is {@code mac} instead
	 * of {@code Bearer}. Token endpoint only.
	 * @return the fault
	 */
	public static Fault wrongTokenType() {
		return new Fault(Kind.WRONG_TOKEN_TYPE, 200, Duration.ZERO, -1);
	}

	private static int checkRetryAfter(int retryAfterSeconds) {
		if (retryAfterSeconds < 0) {
			throw new IllegalArgumentException("retryAfterSeconds must not be negative, was " + retryAfterSeconds);
		}
		return retryAfterSeconds;
	}

	Kind kind() {
		return this.kind;
	}

	int status() {
		return this.status;
	}

	Duration delay() {
		return this.delay;
	}

	/**
	 * The {@code Retry-After} value in seconds, or -1 for none.
	 * @return the {@code Retry-After} value in seconds, or -1 for none
	 */
	int retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

	/**
	 * Whether this fault only makes sense as an answer of the token endpoint.
	 * @return whether this fault only makes sense as an answer of the token endpoint
	 */
	boolean tokenEndpointOnly() {
		return this.kind == Kind.MISSING_ACCESS_TOKEN || this.kind == Kind.WRONG_TOKEN_TYPE;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof Fault that)) {
			return false;
		}
		return this.kind == that.kind && this.status == that.status && this.delay.equals(that.delay)
				&& this.retryAfterSeconds == that.retryAfterSeconds;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.kind, this.status, this.delay, this.retryAfterSeconds);
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case LATENCY -> "latency(" + this.delay + ")";
			case STATUS -> (this.retryAfterSeconds >= 0)
					? "status(" + this.status + ", Retry-After " + this.retryAfterSeconds + ")"
					: "status(" + this.status + ")";
			case CONNECTION_RESET -> "connectionReset()";
			case MALFORMED_BODY -> "malformedBody()";
			case MISSING_ACCESS_TOKEN -> "missingAccessToken()";
			case WRONG_TOKEN_TYPE -> "wrongTokenType()";
		};
	}

}
