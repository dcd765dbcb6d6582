package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the shared token store uses Redis ({@code pos.auth.token-store=redis}). The
 * connection itself comes from {@code spring.data.redis.*}.
 */
@ConfigurationProperties("pos.auth.redis")
public class PosRedisTokenStoreProperties {

	/**
	 * Prefix of the keys the token store writes, followed by ':' and a digest of the
	 * account (token URI, client id, audience, username).
	 */
	private String keyPrefix = "pos-auth";

	/**
	 * Longest time one Redis command may take; after it the instance renews its token on
	 * its own until Redis answers again.
	 */
	private Duration timeout = Duration.ofSeconds(1);

	/**
	 * How long the renewal lock of an account lives when its owner never releases it (an
	 * instance that died mid-renewal); another instance takes over after it. Must be
	 * longer than pos.auth.request-timeout; by default 10 seconds longer.
	 */
	private @Nullable Duration lockLease;

	/**
	 * How often an instance that waits for another instance's renewal looks for its
	 * result.
	 */
	private Duration pollInterval = Duration.ofMillis(50);

	/**
	 * Key that encrypts the stored tokens (AES-256-GCM): 32 random bytes, Base64-encoded,
	 * the same on every instance. Without it, anyone who can read the Redis keys (or a
	 * backup of them) can use the access token until it expires and the refresh token to
	 * obtain new ones.
	 */
	private @Nullable String encryptionKey;

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public @Nullable Duration getLockLease() {
		return this.lockLease;
	}

	public void setLockLease(@Nullable Duration lockLease) {
		this.lockLease = lockLease;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public @Nullable String getEncryptionKey() {
		return this.encryptionKey;
	}

	public void setEncryptionKey(@Nullable String encryptionKey) {
		this.encryptionKey = encryptionKey;
	}

	@Override
	public String toString() {
		return "PosRedisTokenStoreProperties{keyPrefix='" + this.keyPrefix + "', timeout=" + this.timeout
				+ ", lockLease=" + this.lockLease + ", pollInterval=" + this.pollInterval + ", encryptionKey="
				+ ((this.encryptionKey != null) ? "[set]" : null) + "}";
	}

}
