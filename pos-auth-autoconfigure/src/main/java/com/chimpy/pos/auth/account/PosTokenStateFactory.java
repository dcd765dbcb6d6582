package com.chimpy.pos.auth.account;

import com.chimpy.pos.auth.token.PosTokenState;

/**
 * Builds the token state of an account, the same way as the default account's.
 */
@FunctionalInterface
public interface PosTokenStateFactory {

	/**
	 * Build the token state of the given account; it is not started until used.
	 * @param account the account
	 * @return a new token state
	 */
	PosTokenState create(PosAccount account);

}
