package com.chimpy.pos.auth.interop.keycloak;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the claims of a JWT access token without checking it (the tests compare them with
 * what Keycloak says through its admin API; the PoS API stub asks Keycloak itself).
 */
final class TokenClaims {

	private TokenClaims() {
	}

	/**
	 * The claims of a JWT.
	 * @param jwt the token
	 * @return its payload's claims
	 */
	static Map<String, Object> of(String jwt) {
		String[] parts = jwt.split("\\.");
		if (parts.length != 3) {
			throw new IllegalArgumentException("Not a JWT");
		}
		return KeycloakAdmin.map(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
	}

}
