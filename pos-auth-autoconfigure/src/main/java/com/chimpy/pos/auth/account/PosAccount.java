package com.chimpy.pos.auth.account;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * One account of the PoS API (for example one merchant): the resource owner's credentials
 * and, where they differ from the {@code pos.auth.*} properties, the client id, client
 * secret, audience and scope to log in with. Everything else (token URI, timeouts,
 * renewal settings) is shared by all accounts.
 * <p>
 * Immutable. {@link #toString()} never reveals the password or the client secret.
 */
public final class PosAccount {

	private final String name;

	private final String username;

	private final String password;

	private final @Nullable String clientId;

	private final @Nullable String clientSecret;

	private final @Nullable String audience;

	private final @Nullable String scope;

	private PosAccount(String name, String username, String password, @Nullable String clientId,
			@Nullable String clientSecret, @Nullable String audience, @Nullable String scope) {
		this.name = name;
		this.username = username;
		this.password = password;
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.audience = audience;
		this.scope = scope;
	}

	/**
	 * An account that logs in with the given credentials and the shared client settings.
	 * @param name the name calls choose the account by (for example a merchant id)
	 * @param username the resource owner's username
	 * @param password the resource owner's password
	 * @return the account
	 */
	public static PosAccount of(String name, String username, String password) {
		Assert.hasText(name, "name must not be empty");
		Assert.hasText(username, "username must not be empty");
		Assert.hasText(password, "password must not be empty");
		return new PosAccount(name, username, password, null, null, null, null);
	}

	/**
	 * A copy of this account that logs in with its own client id.
	 * @param clientId the client id, or {@code null} for the shared one
	 * @return the copy
	 */
	public PosAccount withClientId(@Nullable String clientId) {
		return new PosAccount(this.name, this.username, this.password, textOrNull(clientId), this.clientSecret,
				this.audience, this.scope);
	}

	/**
	 * A copy of this account that logs in with its own client secret.
	 * @param clientSecret the client secret, or {@code null} for the shared one
	 * @return the copy
	 */
	public PosAccount withClientSecret(@Nullable String clientSecret) {
		return new PosAccount(this.name, this.username, this.password, this.clientId, textOrNull(clientSecret),
				this.audience, this.scope);
	}

	/**
	 * A copy of this account that asks for its own audience.
	 * @param audience the audience, or {@code null} for the shared one
	 * @return the copy
	 */
	public PosAccount withAudience(@Nullable String audience) {
		return new PosAccount(this.name, this.username, this.password, this.clientId, this.clientSecret,
				textOrNull(audience), this.scope);
	}

	/**
	 * A copy of this account that asks for its own scope.
	 * @param scope the scope (space or comma separated), or {@code null} for the shared
	 * one
	 * @return the copy
	 */
	public PosAccount withScope(@Nullable String scope) {
		return new PosAccount(this.name, this.username, this.password, this.clientId, this.clientSecret, this.audience,
				textOrNull(scope));
	}

	/**
	 * The name calls choose the account by.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The resource owner's username.
	 * @return the username
	 */
	public String getUsername() {
		return this.username;
	}

	/**
	 * The resource owner's password.
	 * @return the password
	 */
	public String getPassword() {
		return this.password;
	}

	/**
	 * The client id of this account.
	 * @return the client id, or {@code null} for the shared {@code pos.auth.client-id}
	 */
	public @Nullable String getClientId() {
		return this.clientId;
	}

	/**
	 * The client secret of this account.
	 * @return the client secret, or {@code null} for the shared
	 * {@code pos.auth.client-secret}
	 */
	public @Nullable String getClientSecret() {
		return this.clientSecret;
	}

	/**
	 * The audience of this account.
	 * @return the audience, or {@code null} for the shared {@code pos.auth.audience}
	 */
	public @Nullable String getAudience() {
		return this.audience;
	}

	/**
	 * The scope of this account.
	 * @return the scope, or {@code null} for the shared {@code pos.auth.scope}
	 */
	public @Nullable String getScope() {
		return this.scope;
	}

	private static @Nullable String textOrNull(@Nullable String value) {
		return StringUtils.hasText(value) ? value : null;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof PosAccount that)) {
			return false;
		}
		return this.name.equals(that.name) && this.username.equals(that.username) && this.password.equals(that.password)
				&& Objects.equals(this.clientId, that.clientId) && Objects.equals(this.clientSecret, that.clientSecret)
				&& Objects.equals(this.audience, that.audience) && Objects.equals(this.scope, that.scope);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.name, this.username, this.clientId, this.audience, this.scope);
	}

	@Override
	public String toString() {
		return "PosAccount{name='" + this.name + "', username='" + this.username + "', password='[PROTECTED]'"
				+ ((this.clientId != null) ? ", clientId='" + this.clientId + "'" : "")
				+ ((this.clientSecret != null) ? ", clientSecret='[PROTECTED]'" : "")
				+ ((this.audience != null) ? ", audience='" + this.audience + "'" : "")
				+ ((this.scope != null) ? ", scope='" + this.scope + "'" : "") + "}";
	}

}
