/**
 * Many PoS accounts in one application: the accounts ({@link PosAccount}), where run-time
 * accounts come from ({@link PosAccountResolver}), the token states of all accounts
 * ({@link PosTokenStates}) and how a call chooses its account ({@link PosAccounts}).
 */
@NullMarked
package com.chimpy.pos.auth.account;

import org.jspecify.annotations.NullMarked;
