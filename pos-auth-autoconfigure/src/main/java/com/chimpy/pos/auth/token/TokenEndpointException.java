package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * A token request failed. The {@link #getError() OAuth2 error} carries the authorization
 * server's error code and description when it sent one.
 * <p>
 * The {@link #getKind() kind} says who answered what: the authorization server's verdict
 * (an OAuth2 error), no usable answer at all (unreachable, timed out, 5xx, 429), or an
 * answer that is neither a token nor an OAuth2 error (an HTML page from a proxy or
 * firewall, a redirect, a garbled body). A <em>transient</em> failure is worth retrying
 * later. Only a verdict with one of the {@link #isCredentialRejection(Throwable)
 * credential rejection} codes says something about the credentials. Messages never
 * contain credentials or tokens.
 */
public class TokenEndpointException extends ClientAuthorizationException {

	private static final long serialVersionUID = 1L;

	/**
	 * The OAuth2 error codes with which an authorization server refuses the credentials
	 * or the client: asking again with the same ones is pointless and, with Auth0, leads
	 * to the user being blocked.
	 */
	public static final Set<String> CREDENTIAL_REJECTION_CODES = Set.of("invalid_grant", "invalid_client",
			"unauthorized_client", "unauthorized", "access_denied", PosTokenResponseClient.TOO_MANY_ATTEMPTS,
			"mfa_required");

	/**
	 * What kind of failure a token request met.
	 */
	public enum Kind {

		/**
		 * The authorization server answered with an OAuth2 error.
		 */
		REJECTED,

		/**
		 * No usable answer: the endpoint could not be reached, timed out, or answered 5xx
		 * or 429.
		 */
		UNAVAILABLE,

		/**
		 * An answer that is neither a token response nor an OAuth2 error, typically from
		 * something between pos-auth and the authorization server.
		 */
		UNEXPECTED_RESPONSE

	}

	private final Kind kind;

	private final boolean transientFailure;

	private final boolean requestSent;

	private final int statusCode;

	private final @Nullable Duration retryAfter;

	/**
	 * Create an exception for a request that may have reached the server:
	 * {@link Kind#UNAVAILABLE} when transient, else {@link Kind#REJECTED}.
	 * @param error the OAuth2 error
	 * @param registrationId the client registration id
	 * @param message the message, free of secrets
	 * @param transientFailure whether the failure is worth retrying later
	 * @param statusCode the HTTP status of the token response, or {@code 0} when no
	 * response arrived
	 * @param retryAfter the delay the server asked for, if any
	 * @param cause the cause, if any
	 */
	public TokenEndpointException(OAuth2Error error, String registrationId, String message, boolean transientFailure,
			int statusCode, @Nullable Duration retryAfter, @Nullable Throwable cause) {
		this(error, registrationId, message, transientFailure ? Kind.UNAVAILABLE : Kind.REJECTED, transientFailure,
				true, statusCode, retryAfter, cause);
	}

	/**
	 * Create an exception.
	 * @param error the OAuth2 error
	 * @param registrationId the client registration id
	 * @param message the message, free of secrets
	 * @param kind what kind of failure it is
	 * @param transientFailure whether the failure is worth retrying later
	 * @param requestSent whether the request may have reached the server ({@code false}
	 * only when it provably never left, for example when the connection was refused)
	 * @param statusCode the HTTP status of the token response, or {@code 0} when no
	 * response arrived
	 * @param retryAfter the delay the server asked for, if any
	 * @param cause the cause, if any
	 */
	public TokenEndpointException(OAuth2Error error, String registrationId, String message, Kind kind,
			boolean transientFailure, boolean requestSent, int statusCode, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		super(error, registrationId, message, cause);
		this.kind = kind;
		this.transientFailure = transientFailure;
		this.requestSent = requestSent;
		this.statusCode = statusCode;
		this.retryAfter = retryAfter;
	}

	/**
	 * What kind of failure this is.
	 * @return the kind
	 */
	public Kind getKind() {
		return this.kind;
	}

	/**
	 * Whether the failure is worth retrying later (outage, overload, an answer from
	 * something in between).
	 * @return {@code true} for a transient failure
	 */
	public boolean isTransient() {
		return this.transientFailure;
	}

	/**
	 * Whether the request may have reached the server. A refresh token that may have
	 * reached it is never sent again: the server may have rotated it already, and reuse
	 * revokes the whole token family.
	 * @return {@code false} only when the request provably never left
	 */
	public boolean isRequestSent() {
		return this.requestSent;
	}

	/**
	 * The HTTP status of the token response.
	 * @return the status, or {@code 0} when no response arrived
	 */
	public int getStatusCode() {
		return this.statusCode;
	}

	/**
	 * The delay the server asked for with {@code Retry-After} or a rate-limit reset.
	 * @return the delay, or {@code null}
	 */
	public @Nullable Duration getRetryAfter() {
		return this.retryAfter;
	}

	/**
	 * Whether the given failure is a transient {@link TokenEndpointException}, or a
	 * timeout of the token request.
	 * @param ex the failure
	 * @return {@code true} when retrying later makes sense
	 */
	public static boolean isTransient(Throwable ex) {
		return (ex instanceof TokenEndpointException tee) ? tee.isTransient() : ex instanceof TimeoutException;
	}

	/**
	 * Whether the given failure is the authorization server refusing the credentials or
	 * the client: a {@link ClientAuthorizationException} with one of the
	 * {@link #CREDENTIAL_REJECTION_CODES} that is not a transient failure or an
	 * unexpected answer.
	 * @param ex the failure
	 * @return {@code true} for a rejection of the credentials
	 */
	public static boolean isCredentialRejection(Throwable ex) {
		if (!(ex instanceof ClientAuthorizationException cae) || isTransient(ex)
				|| (ex instanceof TokenEndpointException tee && tee.getKind() != Kind.REJECTED)) {
			return false;
		}
		return CREDENTIAL_REJECTION_CODES.contains(cae.getError().getErrorCode());
	}

}
