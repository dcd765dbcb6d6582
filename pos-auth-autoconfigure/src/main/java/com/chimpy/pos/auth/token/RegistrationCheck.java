package com.chimpy.pos.auth.token;

import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.account.PosAccounts;
import com.chimpy.pos.auth.account.PosTokenStates;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;

/**
 * The checks both manager views make before answering, and how they choose the account.
 */
final class RegistrationCheck {

	private RegistrationCheck() {
	}

	static void requireRegistration(OAuth2AuthorizeRequest request, String expected) {
		if (!expected.equals(request.getClientRegistrationId())) {
			throw new IllegalArgumentException("Unknown client registration '" + request.getClientRegistrationId()
					+ "'; this manager serves only '" + expected + "'");
		}
	}

	/**
	 * The token state of the account an authorize request names: the
	 * {@link PosAccounts#ATTRIBUTE pos.account} attribute when set (an unknown account is
	 * an error), else the principal's name when an account has that name, else the
	 * default account.
	 * @param request the authorize request
	 * @param states the token states of all accounts
	 * @return the token state, or an error when the named account is unknown
	 */
	static Mono<PosTokenState> tokenState(OAuth2AuthorizeRequest request, PosTokenStates states) {
		Object account = request.getAttribute(PosAccounts.ATTRIBUTE);
		if (account != null) {
			if (!(account instanceof String name)) {
				return Mono.error(new IllegalArgumentException(
						"The '" + PosAccounts.ATTRIBUTE + "' attribute must be the name of an account (a String)"));
			}
			return states.account(name);
		}
		return states.principal(request.getPrincipal().getName());
	}

}
