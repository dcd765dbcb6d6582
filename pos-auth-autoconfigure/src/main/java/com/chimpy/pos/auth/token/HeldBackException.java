package com.chimpy.pos.auth.token;

import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * The error of a caller that arrives while token requests are held back after a failure
 * (outage backoff, credential guard). Each caller gets its own instance (Reactor's
 * {@code block()} adds suppressed exceptions to what it throws, so a shared one would
 * grow without end), but it is cheap: it records no stack trace of its own, and its
 * cause, the failure that holds requests back, has one.
 */
final class HeldBackException extends TokenEndpointException {

	private static final long serialVersionUID = 1L;

	HeldBackException(OAuth2Error error, String registrationId, String message, Throwable cause) {
		super(error, registrationId, message,
				(cause instanceof TokenEndpointException tee) ? tee.getKind() : Kind.REJECTED, false, false, 0, null,
				cause);
	}

	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

}
