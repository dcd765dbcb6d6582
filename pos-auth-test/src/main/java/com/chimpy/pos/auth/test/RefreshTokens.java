package com.chimpy.pos.auth.test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The sandbox's refresh tokens: opaque random strings grouped in families, one family per
 * password login.
 *
 * <p>
 * With rotation, each use of a refresh token returns a new one and supersedes the one
 * used; presenting a superseded token again is taken as theft and revokes the whole
 * family. Without rotation a refresh token stays valid until revoked.
 */
final class RefreshTokens {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final boolean rotation;

	private final Map<String, Entry> entries = new HashMap<>();

	RefreshTokens(boolean rotation) {
		this.rotation = rotation;
	}

	/**
	 * Whether refresh tokens rotate on use.
	 * @return whether refresh tokens rotate on use
	 */
	boolean rotates() {
		return this.rotation;
	}

	/**
	 * Starts a new family for a password login and returns its first refresh token.
	 * @param username the username
	 * @param scope the scope
	 * @return the first refresh token of the new family
	 */
	synchronized String issue(String username, String scope) {
		return add(new Grant(UUID.randomUUID().toString(), username, scope));
	}

	/**
	 * Uses a refresh token.
	 * @param token the presented refresh token
	 * @return the outcome: the grant it stands for and, with rotation, its successor; or
	 * a refusal
	 */
	synchronized Use use(String token) {
		Entry entry = this.entries.get(token);
		if (entry == null || entry.state == State.REVOKED) {
			return Use.refused();
		}
		if (entry.state == State.SUPERSEDED) {
			revokeFamily(entry.grant.familyId());
			return Use.refused();
		}
		if (!this.rotation) {
			return new Use(entry.grant, null);
		}
		entry.state = State.SUPERSEDED;
		return new Use(entry.grant, add(entry.grant));
	}

	/** Revokes every refresh token issued so far. */
	synchronized void revokeAll() {
		this.entries.values().forEach((entry) -> entry.state = State.REVOKED);
	}

	private String add(Grant grant) {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		this.entries.put(token, new Entry(grant));
		return token;
	}

	private void revokeFamily(String familyId) {
		this.entries.values()
			.stream()
			.filter((entry) -> entry.grant.familyId().equals(familyId))
			.forEach((entry) -> entry.state = State.REVOKED);
	}

	/**
	 * What a refresh token grants.
	 *
	 * @param familyId the login it descends from
	 * @param username the resource owner
	 * @param scope the scope granted at login
	 */
	record Grant(String familyId, String username, String scope) {
	}

	/**
	 * The outcome of using a refresh token.
	 *
	 * @param grant what the token grants, {@code null} when refused
	 * @param successor the new refresh token with rotation, else {@code null}
	 */
	record Use(@Nullable Grant grant, @Nullable String successor) {

		static Use refused() {
			return new Use(null, null);
		}

		boolean isAccepted() {
			return this.grant != null;
		}

		@Override
		public String toString() {
			return "Use[accepted=" + isAccepted() + "]";
		}
	}

	private enum State {

		ACTIVE, SUPERSEDED, REVOKED

	}

	private static final class Entry {

		private final Grant grant;

		private State state = State.ACTIVE;

		Entry(Grant grant) {
			this.grant = grant;
		}

	}

}
