package com.chimpy.pos.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * The key of an account's state in a {@link PosTokenStore}: a SHA-256 digest of the token
 * URI, the client id, the audience and the username. Two accounts that differ in any of
 * them never share a token; the key reveals none of them.
 */
public final class TokenStoreKey {

	private TokenStoreKey() {
	}

	/**
	 * The key of the account that logs in as {@code username} with the given registration
	 * and audience.
	 * @param registration the client registration (token URI and client id)
	 * @param audience the audience, or {@code null}
	 * @param username the resource owner's username
	 * @return the key: 64 hexadecimal digits
	 */
	public static String of(ClientRegistration registration, @Nullable String audience, String username) {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
		for (String part : new String[] { registration.getProviderDetails().getTokenUri(), registration.getClientId(),
				(audience != null) ? audience : "", username }) {
			digest.update(part.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

}
