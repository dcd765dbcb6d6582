package com.chimpy.pos.auth.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The fleet's 401 backoff: a token that replaced one the resource server rejected is not
 * replaced again because of a 401 until {@code until}. It names the token by a digest
 * only.
 *
 * @param digest the SHA-256 digest of the protected access token, in hex
 * @param count how many 401-driven replacements in a row led to it
 * @param until the end of the protection
 */
record UnauthorizedHold(String digest, int count, Instant until) {

	/**
	 * Whether the hold protects the given token at the given time.
	 * @param token the access token a 401 rejected
	 * @param now the current time
	 * @return whether the token must not be replaced now
	 */
	boolean protects(OAuth2AccessToken token, Instant now) {
		return now.isBefore(this.until) && this.digest.equals(digest(token.getTokenValue()));
	}

	static String digest(String tokenValue) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(tokenValue.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "UnauthorizedHold{count=" + this.count + ", until=" + this.until + "}";
	}

}
