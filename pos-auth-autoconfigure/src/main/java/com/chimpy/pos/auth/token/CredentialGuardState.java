package com.chimpy.pos.auth.token;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * What the credential guard of an account knows: how many consecutive rejections of the
 * credentials it has seen, until when password grants wait, whether they have stopped,
 * and the last rejection's error (an OAuth2 error code and description; never a
 * credential).
 *
 * @param rejections consecutive rejections since the last token
 * @param pausedUntil until when the next password grant waits, or {@code null}
 * @param stopped whether password grants have stopped until a reset
 * @param lastError the error of the last rejection, or {@code null}
 */
public record CredentialGuardState(int rejections, @Nullable Instant pausedUntil, boolean stopped,
		@Nullable OAuth2Error lastError) {

	/**
	 * The state of a guard that has seen no rejection.
	 */
	public static final CredentialGuardState CLEAR = new CredentialGuardState(0, null, false, null);

}
