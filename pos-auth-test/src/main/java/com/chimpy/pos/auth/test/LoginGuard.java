package com.chimpy.pos.auth.test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resource owners of the sandbox and the lockout after consecutive failed logins, as
 * the authorization service's brute-force protection does it: after
 * {@code maxFailedLogins} failures in a row a user is blocked, and even the right
 * password is refused until {@link #unblockAll()} or {@link #unblock(String)}. Failures
 * are counted per user name: one user's failures never block another.
 */
final class LoginGuard {

	/** The outcome of a login attempt. */
	enum Outcome {

		/** Right user name and password. */
		SUCCESS,
		/** Unknown user name or wrong password. */
		WRONG_CREDENTIALS,
		/** The user is blocked after too many failures. */
		BLOCKED

	}

	private final Map<String, String> passwords;

	private final int maxFailedLogins;

	private final Map<String, Integer> consecutiveFailures = new HashMap<>();

	LoginGuard(Map<String, String> passwords, int maxFailedLogins) {
		this.passwords = new LinkedHashMap<>(passwords);
		this.maxFailedLogins = maxFailedLogins;
	}

	/**
	 * Checks a login attempt and records its outcome.
	 * @param username the username
	 * @param password the password
	 * @return the outcome of the attempt
	 */
	synchronized Outcome attempt(String username, String password) {
		int failures = this.consecutiveFailures.getOrDefault(username, 0);
		if (failures >= this.maxFailedLogins) {
			return Outcome.BLOCKED;
		}
		String expected = this.passwords.get(username);
		if (expected != null && constantTimeEquals(expected, password)) {
			this.consecutiveFailures.remove(username);
			return Outcome.SUCCESS;
		}
		this.consecutiveFailures.put(username, failures + 1);
		return Outcome.WRONG_CREDENTIALS;
	}

	/**
	 * Whether the user is currently blocked.
	 * @param username the username
	 * @return whether the user is currently blocked
	 */
	synchronized boolean isBlocked(String username) {
		return this.consecutiveFailures.getOrDefault(username, 0) >= this.maxFailedLogins;
	}

	/**
	 * Forgets the failed attempts of one user name, unblocking it.
	 * @param username the user name
	 */
	synchronized void unblock(String username) {
		this.consecutiveFailures.remove(username);
	}

	/** Forgets all failed attempts, unblocking every user. */
	synchronized void unblockAll() {
		this.consecutiveFailures.clear();
	}

	private static boolean constantTimeEquals(String expected, String actual) {
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				actual.getBytes(StandardCharsets.UTF_8));
	}

}
