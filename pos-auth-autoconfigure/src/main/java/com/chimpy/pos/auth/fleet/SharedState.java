package com.chimpy.pos.auth.fleet;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.token.CredentialGuardState;

/**
 * What Redis holds for one account: the token, the credential guard's state and the last
 * failure and the 401 backoff, each {@code null} when absent (or unreadable).
 *
 * @param token the fleet's token, or {@code null}
 * @param guard the fleet's credential guard state, or {@code null}
 * @param failure the fleet's last failure, or {@code null}
 * @param unauthorized the fleet's 401 backoff, or {@code null}
 */
record SharedState(@Nullable SharedToken token, @Nullable CredentialGuardState guard, @Nullable FleetFailure failure,
		@Nullable UnauthorizedHold unauthorized) {

}
