package com.chimpy.pos.auth.token;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * A token request failed. The {@link #getError() OAuth2 error} carries the authorization server's error code and
 * description when it sent one.
 * <p>
 * A <em>transient</em> failure (the endpoint could not be reached, timed out, answered 5xx or 429, or answered
 * something that is not a token response) is worth retrying later; any other failure is the server's considered
 * answer to the request, such as {@code invalid_grant}. Messages never contain credentials or tokens.
 */
public class TokenEndpointException extends ClientAuthorizationException {

	private static final long serialVersionUID = 1L;

	private final boolean transientFailure;

	private final int statusCode;

	private final @Nullable Duration retryAfter;

	/**
	 * Create an exception.
	 * @param error the OAuth2 error
	 * @param registrationId the client registration id
	 * @param message the message, free of secrets
	 * @param transientFailure whether the failure is worth retrying later
	 * @param statusCode the HTTP status of the token response, or {@code 0} when no response arrived
	 * @param retryAfter the delay the server asked for, if any
	 * @param cause the cause, if any
	 */
	public TokenEndpointException(OAuth2Error error, String registrationId, String message, boolean transientFailure,
			int statusCode, @Nullable Duration retryAfter, @Nullable Throwable cause) {
		super(error, registrationId, message, cause);
		this.transientFailure = transientFailure;
		this.statusCode = statusCode;
		this.retryAfter = retryAfter;
	}

	/**
	 * Whether the failure is worth retrying later (outage, overload, garbled answer).
	 * @return {@code true} for a transient failure
	 */
	public boolean isTransient() {
		return this.transientFailure;
	}

	/**
	 * The HTTP status of the token response.
	 * @return the status, or {@code 0} when no response arrived
	 */
	public int getStatusCode() {
		return this.statusCode;
	}

	/**
	 * The delay the server asked for with {@code Retry-After}.
	 * @return the delay, or {@code null}
	 */
	public @Nullable Duration getRetryAfter() {
		return this.retryAfter;
	}

	/**
	 * Whether the given failure is a transient {@link TokenEndpointException}, or a timeout of the token request.
	 * @param ex the failure
	 * @return {@code true} when retrying later makes sense
	 */
	public static boolean isTransient(Throwable ex) {
		return (ex instanceof TokenEndpointException tee) ? tee.isTransient()
				: ex instanceof java.util.concurrent.TimeoutException;
	}

}
