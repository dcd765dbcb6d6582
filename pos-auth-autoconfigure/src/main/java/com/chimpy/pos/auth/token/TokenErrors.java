package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * The errors a {@link PosTokenState} gives its callers, with messages that name the
 * registration and the last failure, never a credential or a token.
 */
final class TokenErrors {

	private final String registrationId;

	private final Duration maxWait;

	private final Duration requestTimeout;

	TokenErrors(String registrationId, Duration maxWait, Duration requestTimeout) {
		this.registrationId = registrationId;
		this.maxWait = maxWait;
		this.requestTimeout = requestTimeout;
	}

	String registrationId() {
		return this.registrationId;
	}

	/**
	 * No token within the caller's wait.
	 * @param cause the cause
	 * @return the error for a caller that got no token
	 */
	TokenEndpointException unavailable(@Nullable Throwable cause) {
		return new TokenEndpointException(unavailableError(cause), this.registrationId, unavailableMessage(cause),
				false, 0, null, cause);
	}

	/**
	 * The error of a caller that got no token in time: {@code invalid_token_response}
	 * when the last answer was not a token (so that the code points at what sits in front
	 * of the server), else {@code temporarily_unavailable}.
	 * @param cause the cause
	 * @return the OAuth2 error of a caller that got no token in time
	 */
	OAuth2Error unavailableError(@Nullable Throwable cause) {
		boolean unexpected = cause instanceof TokenEndpointException tee
				&& tee.getKind() == TokenEndpointException.Kind.UNEXPECTED_RESPONSE;
		return new OAuth2Error(
				unexpected ? PosTokenResponseClient.INVALID_TOKEN_RESPONSE : OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
				unavailableMessage(cause), null);
	}

	String unavailableMessage(@Nullable Throwable cause) {
		return "No access token for client registration '" + this.registrationId + "' could be obtained within "
				+ this.maxWait.toMillis() + " ms" + ((cause != null) ? "; last failure: " + describe(cause) : "");
	}

	/**
	 * A token request that took longer than the request timeout: transient, and told
	 * apart from a caller's own wait running out.
	 * @param ex the failure
	 * @return the transient error for the timed-out request
	 */
	TokenEndpointException requestTimedOut(TimeoutException ex) {
		String message = "The token endpoint did not answer within " + this.requestTimeout.toMillis() + " ms";
		return new TokenEndpointException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, message, null),
				this.registrationId, message, true, 0, null, ex);
	}

	ClientAuthorizationException closed() {
		return new ClientAuthorizationException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE),
				this.registrationId, "The token state of client registration '" + this.registrationId + "' is closed");
	}

	/**
	 * The OAuth2 error of a failure: its own, or {@code server_error} for one that has
	 * none.
	 * @param ex the failure
	 * @return the OAuth2 error of a failure: its own, or {@code server_error} for one
	 * that has none
	 */
	static OAuth2Error error(Throwable ex) {
		return (ex instanceof ClientAuthorizationException cae) ? cae.getError()
				: new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR);
	}

	static String describe(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return "no answer in time";
		}
		String message = ex.getMessage();
		return (message != null) ? message : ex.getClass().getSimpleName();
	}

}
