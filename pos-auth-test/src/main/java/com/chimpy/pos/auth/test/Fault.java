package com.chimpy.pos.auth.test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A scripted answer that the sandbox gives to one request of an endpoint instead of its
 * own, queued with {@link Faults}: a failure (an error status, a reset connection, a
 * malformed body) or any raw answer ({@link #answer(int, Map, String)},
 * {@link #tokenAnswer(String, long, String)}), optionally held back
 * ({@link #delayed(Duration)}).
 *
 * <p>
 * Instances are immutable and made by the static factories. Except for
 * {@link #latency(Duration)}, a faulted request is not processed: no token is issued, no
 * login attempt is counted and no order is created. The request still appears in the
 * sandbox's request journal, as soon as it arrives (before a delayed answer is sent).
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
		/** A raw answer given by the test. */
		ANSWER,
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

	private final @Nullable Answer answer;

	private Fault(Kind kind, int status, Duration delay, int retryAfterSeconds) {
		this(kind, status, delay, retryAfterSeconds, null);
	}

	private Fault(Kind kind, int status, Duration delay, int retryAfterSeconds, @Nullable Answer answer) {
		this.kind = kind;
		this.status = status;
		this.delay = delay;
		this.retryAfterSeconds = retryAfterSeconds;
		this.answer = answer;
	}

	/**
	 * The real answer, delayed.
	 * @param delay how long to hold the answer back; not negative, at most one hour
	 * @return the fault
	 */
	public static Fault latency(Duration delay) {
		return new Fault(Kind.LATENCY, 0, checkDelay(delay), -1);
	}

	/**
	 * A raw answer: exactly this status, these headers and this body, whatever the
	 * request was. For answers the other factories do not make: a token with a chosen
	 * value, a redirect, an HTML page from a proxy, rate limit headers.
	 * @param status an HTTP status from 100 to 599
	 * @param headers the headers, in order (none are added)
	 * @param body the body, may be empty
	 * @return the answer
	 */
	public static Fault answer(int status, Map<String, String> headers, String body) {
		if (status < 100 || status > 599) {
			throw new IllegalArgumentException("status must be between 100 and 599, was " + status);
		}
		Objects.requireNonNull(headers, "headers must not be null");
		Objects.requireNonNull(body, "body must not be null");
		return new Fault(Kind.ANSWER, status, Duration.ZERO, -1, new Answer(status, headers, body));
	}

	/**
	 * A raw JSON answer ({@code Content-Type: application/json}).
	 * @param status an HTTP status from 100 to 599
	 * @param json the body
	 * @return the answer
	 */
	public static Fault json(int status, String json) {
		return answer(status, Map.of("Content-Type", "application/json"), json);
	}

	/**
	 * HTTP 200 with a Bearer token answer that has exactly these values (the token is not
	 * one the sandbox's PoS API accepts).
	 * @param accessToken the {@code access_token}
	 * @param expiresInSeconds the {@code expires_in}
	 * @param refreshToken the {@code refresh_token}, or {@code null} for none
	 * @return the answer
	 */
	public static Fault tokenAnswer(String accessToken, long expiresInSeconds, String refreshToken) {
		Objects.requireNonNull(accessToken, "accessToken must not be null");
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", accessToken);
		body.put("token_type", "Bearer");
		body.put("expires_in", expiresInSeconds);
		if (refreshToken != null) {
			body.put("refresh_token", refreshToken);
		}
		return json(200, Json.write(body));
	}

	/**
	 * An OAuth 2 error answer {@code {"error": ..., "error_description": ...}}.
	 * @param status an HTTP status from 400 to 599
	 * @param error the {@code error} code
	 * @param description the {@code error_description}
	 * @return the answer
	 */
	public static Fault oauthError(int status, String error, String description) {
		if (status < 400 || status > 599) {
			throw new IllegalArgumentException("status must be an error status (400-599), was " + status);
		}
		Answer oauth = Answer.error(status, error, description);
		return answer(status, oauth.headers(), oauth.body());
	}

	/**
	 * This raw answer with one more header.
	 * @param name the header name
	 * @param value the header value
	 * @return a new answer
	 * @throws IllegalStateException if this is not a raw answer
	 */
	public Fault withHeader(String name, String value) {
		Answer raw = this.answer;
		if (this.kind != Kind.ANSWER || raw == null) {
			throw new IllegalStateException("Only a raw answer takes headers, not " + this);
		}
		return new Fault(this.kind, this.status, this.delay, this.retryAfterSeconds, raw.withHeader(name, value));
	}

	/**
	 * This fault, sent only after {@code delay}: the answer (or the reset) comes late.
	 * The request is in the journal from its arrival, so a test can see that it was
	 * received before the answer comes.
	 * @param delay how long to hold the answer back; not negative, at most one hour
	 * @return a new fault
	 */
	public Fault delayed(Duration delay) {
		return new Fault(this.kind, this.status, checkDelay(delay), this.retryAfterSeconds, this.answer);
	}

	private static Duration checkDelay(Duration delay) {
		Objects.requireNonNull(delay, "delay must not be null");
		if (delay.isNegative() || delay.compareTo(Duration.ofHours(1)) > 0) {
			throw new IllegalArgumentException("delay must be between 0 and 1 hour, was " + delay);
		}
		return delay;
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
	 * The raw answer of an {@link Kind#ANSWER}, else {@code null}.
	 * @return the raw answer, or {@code null}
	 */
	@Nullable Answer answer() {
		return this.answer;
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
				&& this.retryAfterSeconds == that.retryAfterSeconds && Objects.equals(this.answer, that.answer);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.kind, this.status, this.delay, this.retryAfterSeconds, this.answer);
	}

	@Override
	public String toString() {
		String text = describe();
		return (this.kind != Kind.LATENCY && !this.delay.isZero()) ? text + ".delayed(" + this.delay + ")" : text;
	}

	private String describe() {
		return switch (this.kind) {
			case ANSWER -> "answer(" + this.status + ", headers "
					+ ((this.answer != null) ? this.answer.headers().keySet() : "none") + ")";
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
