package com.chimpy.pos.auth.token;

/**
 * How the body of a token request is encoded.
 */
public enum TokenRequestFormat {

	/**
	 * {@code application/json}, as the Chimpy authorization service documents it.
	 */
	JSON,

	/**
	 * {@code application/x-www-form-urlencoded}, as RFC 6749 specifies it (Keycloak and
	 * similar servers).
	 */
	FORM

}
