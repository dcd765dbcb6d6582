package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.token.TokenRenewalSettings;
import com.chimpy.pos.auth.token.TokenRequestFormat;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How pos-auth obtains tokens from the authorization service of the PoS API.
 * <p>
 * {@link #toString()} masks the password and the client secret.
 */
@ConfigurationProperties("pos.auth")
public class PosAuthProperties {

	/**
	 * Whether pos-auth configures anything at all.
	 */
	private boolean enabled = true;

	/**
	 * Full URL of the token endpoint, for example https://auth.example.com/oauth/token.
	 * Must be https except for loopback hosts.
	 */
	private @Nullable String tokenUri;

	/**
	 * Client id registered with the authorization service.
	 */
	private @Nullable String clientId;

	/**
	 * Client secret; sent as client_secret only when set.
	 */
	private @Nullable String clientSecret;

	/**
	 * Audience of the PoS API; sent as audience with password and refresh requests when
	 * set.
	 */
	private @Nullable String audience;

	/**
	 * Username of the resource owner of the default account: the account of calls that
	 * name none. Optional when pos.auth.accounts.* or a PosAccountResolver bean supply
	 * accounts.
	 */
	private @Nullable String username;

	/**
	 * Password of the resource owner of the default account.
	 */
	private @Nullable String password;

	/**
	 * Scope requested with the password grant, for example offline_access to receive
	 * refresh tokens.
	 */
	private @Nullable String scope;

	/**
	 * Encoding of token request bodies: json (as the PoS authorization service wants) or
	 * form (application/x-www-form-urlencoded, as RFC 6749 and Keycloak-style servers
	 * want).
	 */
	private TokenRequestFormat requestFormat = TokenRequestFormat.JSON;

	/**
	 * Name of a spring.ssl.bundle entry with the trust material (and client key) for the
	 * token endpoint.
	 */
	private @Nullable String sslBundle;

	/**
	 * Connect timeout of token requests.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Read timeout of token requests.
	 */
	private Duration readTimeout = Duration.ofSeconds(10);

	/**
	 * How long before expiry the token is renewed in the background while still in use.
	 * Capped at half the token's lifetime.
	 */
	private Duration refreshAhead = Duration.ofMinutes(5);

	/**
	 * How long before expiry callers stop using the token and wait for its renewal.
	 * Capped at a tenth of the token's lifetime.
	 */
	private Duration expiryMargin = Duration.ofSeconds(30);

	/**
	 * Longest time a call waits for a token when none is usable before it fails.
	 */
	private Duration maxWait = Duration.ofSeconds(30);

	/**
	 * Longest time one renewal (including a fallback from refresh token to password) may
	 * take.
	 */
	private Duration requestTimeout = Duration.ofSeconds(20);

	/**
	 * Pause after the first transient failure of the token endpoint (outage, 5xx, 429);
	 * doubles with each further failure, with jitter, and is never shorter than the
	 * server's Retry-After.
	 */
	private Duration retryBackoff = Duration.ofSeconds(1);

	/**
	 * Longest pause between retries after transient failures of the token endpoint.
	 */
	private Duration maxRetryBackoff = Duration.ofMinutes(2);

	/**
	 * Pause after the first rejection of the credentials; doubles with each further
	 * rejection.
	 */
	private Duration rejectionBackoff = Duration.ofMinutes(1);

	/**
	 * Consecutive rejections of the credentials after which no password grant is sent
	 * until restart or reset (Auth0 blocks a user after 10 failed logins).
	 * too_many_attempts stops at once.
	 */
	private int maxCredentialRejections = 3;

	/**
	 * After a 401 from the PoS API has replaced a token, how long the replacement is
	 * protected from being replaced again because of a 401 (callers get the 401
	 * meanwhile); doubles while freshly issued tokens keep being rejected, and ends when
	 * a request with the new token is accepted. Keeps an API that rejects every token
	 * from turning each call into a token request.
	 */
	private Duration unauthorizedBackoff = Duration.ofSeconds(10);

	/**
	 * Longest protection of a token that replaced one the PoS API rejected with 401.
	 */
	private Duration maxUnauthorizedBackoff = Duration.ofMinutes(5);

	/**
	 * Whether to obtain the first token when the application is ready, so that the first
	 * call does not wait.
	 */
	private boolean warmUp;

	/**
	 * More accounts (for example one per merchant), by the name calls choose them with
	 * (request attribute or Reactor context entry pos.account). Each has a username and a
	 * password and may override client-id, client-secret, audience and scope; everything
	 * else comes from pos.auth.*.
	 */
	private final Map<String, Account> accounts = new LinkedHashMap<>();

	/**
	 * How long the token state of an account other than the default one is held after its
	 * last call; then it is dropped with its tokens, and the next call starts afresh.
	 */
	private Duration accountIdleTimeout = Duration.ofMinutes(30);

	/**
	 * Where the token lives between renewals: 'memory' (one token per application
	 * instance) or 'redis' (one token, one renewal at a time and one credential guard for
	 * all instances that share a Redis server; needs Spring Data Redis, see
	 * pos.auth.redis.*).
	 */
	private TokenStore tokenStore = TokenStore.MEMORY;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getTokenUri() {
		return this.tokenUri;
	}

	public void setTokenUri(@Nullable String tokenUri) {
		this.tokenUri = tokenUri;
	}

	public @Nullable String getClientId() {
		return this.clientId;
	}

	public void setClientId(@Nullable String clientId) {
		this.clientId = clientId;
	}

	public @Nullable String getClientSecret() {
		return this.clientSecret;
	}

	public void setClientSecret(@Nullable String clientSecret) {
		this.clientSecret = clientSecret;
	}

	public @Nullable String getAudience() {
		return this.audience;
	}

	public void setAudience(@Nullable String audience) {
		this.audience = audience;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public @Nullable String getScope() {
		return this.scope;
	}

	public void setScope(@Nullable String scope) {
		this.scope = scope;
	}

	public TokenRequestFormat getRequestFormat() {
		return this.requestFormat;
	}

	public void setRequestFormat(TokenRequestFormat requestFormat) {
		this.requestFormat = requestFormat;
	}

	public @Nullable String getSslBundle() {
		return this.sslBundle;
	}

	public void setSslBundle(@Nullable String sslBundle) {
		this.sslBundle = sslBundle;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public Duration getRefreshAhead() {
		return this.refreshAhead;
	}

	public void setRefreshAhead(Duration refreshAhead) {
		this.refreshAhead = refreshAhead;
	}

	public Duration getExpiryMargin() {
		return this.expiryMargin;
	}

	public void setExpiryMargin(Duration expiryMargin) {
		this.expiryMargin = expiryMargin;
	}

	public Duration getMaxWait() {
		return this.maxWait;
	}

	public void setMaxWait(Duration maxWait) {
		this.maxWait = maxWait;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public Duration getRetryBackoff() {
		return this.retryBackoff;
	}

	public void setRetryBackoff(Duration retryBackoff) {
		this.retryBackoff = retryBackoff;
	}

	public Duration getMaxRetryBackoff() {
		return this.maxRetryBackoff;
	}

	public void setMaxRetryBackoff(Duration maxRetryBackoff) {
		this.maxRetryBackoff = maxRetryBackoff;
	}

	public Duration getRejectionBackoff() {
		return this.rejectionBackoff;
	}

	public void setRejectionBackoff(Duration rejectionBackoff) {
		this.rejectionBackoff = rejectionBackoff;
	}

	public int getMaxCredentialRejections() {
		return this.maxCredentialRejections;
	}

	public void setMaxCredentialRejections(int maxCredentialRejections) {
		this.maxCredentialRejections = maxCredentialRejections;
	}

	public Duration getUnauthorizedBackoff() {
		return this.unauthorizedBackoff;
	}

	public void setUnauthorizedBackoff(Duration unauthorizedBackoff) {
		this.unauthorizedBackoff = unauthorizedBackoff;
	}

	public Duration getMaxUnauthorizedBackoff() {
		return this.maxUnauthorizedBackoff;
	}

	public void setMaxUnauthorizedBackoff(Duration maxUnauthorizedBackoff) {
		this.maxUnauthorizedBackoff = maxUnauthorizedBackoff;
	}

	public boolean isWarmUp() {
		return this.warmUp;
	}

	public void setWarmUp(boolean warmUp) {
		this.warmUp = warmUp;
	}

	public Map<String, Account> getAccounts() {
		return this.accounts;
	}

	public Duration getAccountIdleTimeout() {
		return this.accountIdleTimeout;
	}

	public void setAccountIdleTimeout(Duration accountIdleTimeout) {
		this.accountIdleTimeout = accountIdleTimeout;
	}

	public TokenStore getTokenStore() {
		return this.tokenStore;
	}

	public void setTokenStore(TokenStore tokenStore) {
		this.tokenStore = tokenStore;
	}

	/**
	 * The renewal settings these properties describe.
	 * @return the settings
	 */
	public TokenRenewalSettings toRenewalSettings() {
		return new TokenRenewalSettings(this.refreshAhead, this.expiryMargin, this.maxWait, this.requestTimeout,
				this.retryBackoff, this.maxRetryBackoff, this.rejectionBackoff, this.maxCredentialRejections,
				this.unauthorizedBackoff, this.maxUnauthorizedBackoff);
	}

	@Override
	public String toString() {
		return "PosAuthProperties{tokenUri='" + this.tokenUri + "', clientId='" + this.clientId + "', clientSecret="
				+ mask(this.clientSecret) + ", audience='" + this.audience + "', username='" + this.username
				+ "', password=" + mask(this.password) + ", scope='" + this.scope + "', requestFormat="
				+ this.requestFormat + ", sslBundle='" + this.sslBundle + "', accounts=" + this.accounts.keySet() + "}";
	}

	static String mask(@Nullable String secret) {
		return (secret != null) ? "'[PROTECTED]'" : "null";
	}

	/**
	 * One more account of the PoS API.
	 * <p>
	 * {@link #toString()} masks the password and the client secret.
	 */
	public static class Account {

		/**
		 * Username of the account's resource owner.
		 */
		private @Nullable String username;

		/**
		 * Password of the account's resource owner.
		 */
		private @Nullable String password;

		/**
		 * Client id of the account, when it differs from pos.auth.client-id.
		 */
		private @Nullable String clientId;

		/**
		 * Client secret of the account, when it differs from pos.auth.client-secret.
		 */
		private @Nullable String clientSecret;

		/**
		 * Audience of the account, when it differs from pos.auth.audience.
		 */
		private @Nullable String audience;

		/**
		 * Scope of the account, when it differs from pos.auth.scope.
		 */
		private @Nullable String scope;

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getClientId() {
			return this.clientId;
		}

		public void setClientId(@Nullable String clientId) {
			this.clientId = clientId;
		}

		public @Nullable String getClientSecret() {
			return this.clientSecret;
		}

		public void setClientSecret(@Nullable String clientSecret) {
			this.clientSecret = clientSecret;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public @Nullable String getScope() {
			return this.scope;
		}

		public void setScope(@Nullable String scope) {
			this.scope = scope;
		}

		@Override
		public String toString() {
			return "Account{username='" + this.username + "', password=" + mask(this.password) + ", clientId='"
					+ this.clientId + "', clientSecret=" + mask(this.clientSecret) + ", audience='" + this.audience
					+ "', scope='" + this.scope + "'}";
		}

	}

	/**
	 * Where the token of an account lives between renewals.
	 */
	public enum TokenStore {

		/**
		 * In the memory of each application instance: every instance renews its own
		 * token.
		 */
		MEMORY,

		/**
		 * In Redis, shared by every instance: one instance renews, the others take its
		 * token.
		 */
		REDIS

	}

}
