package com.chimpy.pos.auth.fleet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Encrypts the token values a {@link RedisPosTokenStore} writes, with AES-256 in GCM
 * mode: a fresh 96-bit nonce per value, and the Redis key as associated data, so that a
 * value moved to another account's key does not decrypt. {@link #toString()} names no
 * key.
 */
public final class TokenCipher {

	private static final String PREFIX = "gcm1:";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final SecretKeySpec key;

	private final SecureRandom random;

	private TokenCipher(byte[] key) {
		this.key = new SecretKeySpec(key, "AES");
		this.random = nonceSource();
	}

	/**
	 * A generator seeded here, at start-up: drawing nonces later reads no entropy source,
	 * so encrypting never blocks the (event loop) thread that stores a renewed token.
	 * @return the generator
	 */
	private static SecureRandom nonceSource() {
		SecureRandom random;
		try {
			random = SecureRandom.getInstance("DRBG");
		}
		catch (NoSuchAlgorithmException ex) {
			random = new SecureRandom();
		}
		random.nextBytes(new byte[NONCE_BYTES]);
		return random;
	}

	/**
	 * A cipher with the given key.
	 * @param base64Key 32 bytes (256 bits), Base64-encoded
	 * @return the cipher
	 * @throws IllegalArgumentException when the key is not Base64 or not 256 bits long
	 */
	public static TokenCipher of(String base64Key) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64Key.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("it is not Base64");
		}
		if (key.length != 32) {
			throw new IllegalArgumentException("it is " + (key.length * 8) + " bits long, not 256");
		}
		return new TokenCipher(key);
	}

	String encrypt(String plain, String associatedData) {
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
			return PREFIX + Base64.getEncoder()
				.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	/**
	 * The plain value, or {@code null} when the value was not encrypted with this key for
	 * this associated data (or was tampered with).
	 * @param sealed the encrypted value
	 * @param associatedData the data it was bound to
	 * @return the plain value, or {@code null}
	 */
	@Nullable String decrypt(String sealed, String associatedData) {
		if (!sealed.startsWith(PREFIX)) {
			return null;
		}
		try {
			byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
			if (bytes.length <= NONCE_BYTES) {
				return null;
			}
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
			cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
			return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "TokenCipher{AES-256-GCM}";
	}

}
