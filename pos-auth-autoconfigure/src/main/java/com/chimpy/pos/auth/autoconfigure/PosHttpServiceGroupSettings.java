package com.chimpy.pos.auth.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientProperties;
import org.springframework.boot.http.client.autoconfigure.HttpClientSettingsPropertyMapper;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * The base URL and HTTP client settings of the HTTP service group that calls the PoS API:
 * what the application set under {@code spring.http.serviceclient.<group>.*}, else
 * {@code pos.api.*}, else the application's HTTP client settings
 * ({@code spring.http.clients.*}). A base URL of the group's own is held to the same
 * rules as {@code pos.api.base-url}: an absolute https URL, or http on a loopback host
 * only.
 */
final class PosHttpServiceGroupSettings {

	private final String baseUrl;

	private final HttpClientSettings clientSettings;

	private PosHttpServiceGroupSettings(String baseUrl, HttpClientSettings clientSettings) {
		this.baseUrl = baseUrl;
		this.clientSettings = clientSettings;
	}

	static PosHttpServiceGroupSettings of(PosApiProperties api, @Nullable HttpServiceClientProperties groups,
			@Nullable SslBundles sslBundles, PosHttpClients httpClients) {
		String group = api.getHttpServiceGroup().trim();
		HttpClientProperties groupProperties = (groups != null) ? groups.get(group) : null;
		HttpClientSettings apiSettings = httpClients.apiSettings(api);
		HttpClientSettings clientSettings = new HttpClientSettingsPropertyMapper(sslBundles, apiSettings)
			.map(groupProperties);
		String baseUrl = (groupProperties != null) ? groupProperties.getBaseUrl() : null;
		if (StringUtils.hasText(baseUrl)) {
			PosPropertiesValidator.url("spring.http.serviceclient." + group + ".base-url", baseUrl,
					"https://pos.example.com/api/v2");
			return new PosHttpServiceGroupSettings(baseUrl.trim(), clientSettings);
		}
		String apiBaseUrl = api.getBaseUrl();
		return new PosHttpServiceGroupSettings((apiBaseUrl != null) ? apiBaseUrl.trim() : "", clientSettings);
	}

	/**
	 * The base URL the group's client uses; the bearer token goes to its origin only.
	 * @return the base URL the group's client uses; the bearer token goes to its origin
	 * only
	 */
	String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * The settings (timeouts, SSL bundle, redirects) of the group's client.
	 * @return the settings (timeouts, SSL bundle, redirects) of the group's client
	 */
	HttpClientSettings clientSettings() {
		return this.clientSettings;
	}

}
