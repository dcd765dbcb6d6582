package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the PoS API is and how {@code posWebClient} connects to it.
 */
@ConfigurationProperties("pos.api")
public class PosApiProperties {

	/**
	 * Base URL of the PoS API, for example https://pos.example.com/api/v2. The bearer
	 * token is sent only to its origin (scheme, host and port). Must be https except for
	 * loopback hosts.
	 */
	private @Nullable String baseUrl;

	/**
	 * Name of a spring.ssl.bundle entry with the trust material (and client key) for the
	 * PoS API.
	 */
	private @Nullable String sslBundle;

	/**
	 * Connect timeout of PoS API calls.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Read timeout of PoS API calls.
	 */
	private Duration readTimeout = Duration.ofSeconds(30);

	/**
	 * Name of the HTTP service group (declared with @ImportHttpServices) whose clients
	 * call the PoS API through pos-auth: its base URL defaults to pos.api.base-url, and
	 * its calls carry the bearer token. Other groups are left alone.
	 */
	private String httpServiceGroup = "pos";

	public @Nullable String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(@Nullable String baseUrl) {
		this.baseUrl = baseUrl;
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

	public String getHttpServiceGroup() {
		return this.httpServiceGroup;
	}

	public void setHttpServiceGroup(String httpServiceGroup) {
		this.httpServiceGroup = httpServiceGroup;
	}

	@Override
	public String toString() {
		return "PosApiProperties{baseUrl='" + this.baseUrl + "', sslBundle='" + this.sslBundle + "'}";
	}

}
