package com.chimpy.pos.auth.account;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * The errors of a call whose account cannot be served: each names the account the call
 * chose (never a credential) and carries one of the error codes of
 * {@link PosTokenStates}.
 */
final class AccountErrors {

	private static final String REGISTRATION_ID = "pos";

	private AccountErrors() {
	}

	/**
	 * A lookup after the token states were closed (the application is shutting down).
	 * @return the error
	 */
	static IllegalStateException closed() {
		return new IllegalStateException("The PoS token states are closed");
	}

	static ClientAuthorizationException noDefaultAccount() {
		return new ClientAuthorizationException(new OAuth2Error(PosTokenStates.NO_DEFAULT_ACCOUNT,
				"The call names no PoS account (request attribute or Reactor context '" + PosAccounts.ATTRIBUTE
						+ "') and there is no default account (pos.auth.username)",
				null), REGISTRATION_ID);
	}

	static ClientAuthorizationException lookupFailed(String name, Throwable cause) {
		return new ClientAuthorizationException(
				new OAuth2Error(PosTokenStates.ACCOUNT_LOOKUP_FAILED,
						"The lookup of PoS account '" + name + "' failed (" + cause.getClass().getName() + ")", null),
				REGISTRATION_ID, cause);
	}

	/**
	 * A call named an account that no property and no resolver knows.
	 */
	static final class UnknownAccountException extends ClientAuthorizationException {

		UnknownAccountException(String name) {
			super(new OAuth2Error(PosTokenStates.UNKNOWN_ACCOUNT,
					"No PoS account named '" + name
							+ "' is known (pos.auth.accounts.* properties or a PosAccountResolver bean)",
					null), REGISTRATION_ID);
		}

	}

}
