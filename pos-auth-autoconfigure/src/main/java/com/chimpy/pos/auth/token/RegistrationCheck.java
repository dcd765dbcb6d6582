package com.chimpy.pos.auth.token;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;

/**
 * The one check both manager views make before answering.
 */
final class RegistrationCheck {

	private RegistrationCheck() {
	}

	static void requireRegistration(OAuth2AuthorizeRequest request, PosTokenState tokenState) {
		String expected = tokenState.getClientRegistration().getRegistrationId();
		if (!expected.equals(request.getClientRegistrationId())) {
			throw new IllegalArgumentException("Unknown client registration '" + request.getClientRegistrationId()
					+ "'; this manager serves only '" + expected + "'");
		}
	}

}
