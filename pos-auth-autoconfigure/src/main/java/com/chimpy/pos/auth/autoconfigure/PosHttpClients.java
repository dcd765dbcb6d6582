package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.util.StringUtils;

/**
 * Builds the HTTP clients of pos-auth (for the token endpoint and for the PoS API) with
 * their own timeouts and SSL bundle, on the application's choice of HTTP client library.
 */
final class PosHttpClients {

	private final ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder;

	private final ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder;

	private final ObjectProvider<HttpClientSettings> globalSettings;

	private final ObjectProvider<SslBundles> sslBundles;

	private final @Nullable ClassLoader classLoader;

	PosHttpClients(ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<HttpClientSettings> globalSettings, ObjectProvider<SslBundles> sslBundles,
			@Nullable ClassLoader classLoader) {
		this.connectorBuilder = connectorBuilder;
		this.requestFactoryBuilder = requestFactoryBuilder;
		this.globalSettings = globalSettings;
		this.sslBundles = sslBundles;
		this.classLoader = classLoader;
	}

	ClientHttpConnector connector(String sslBundleProperty, @Nullable String sslBundleName, Duration connectTimeout,
			Duration readTimeout) {
		return connectorBuilder().build(settings(sslBundleProperty, sslBundleName, connectTimeout, readTimeout));
	}

	/**
	 * A connector for the token endpoint. It never follows redirects, whatever the
	 * application's HTTP client settings say: credentials go to the configured token URI
	 * and nowhere else. On Reactor Netty its transparent resend of a request whose
	 * connection broke is switched off as well: a refresh token must never reach the
	 * server twice (Auth0 revokes the family on reuse); the token state retries failed
	 * token requests itself.
	 * @param sslBundleName the SSL bundle name
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the read timeout
	 * @return a connector for the token endpoint
	 */
	ClientHttpConnector tokenEndpointConnector(@Nullable String sslBundleName, Duration connectTimeout,
			Duration readTimeout) {
		ClientHttpConnectorBuilder<?> builder = connectorBuilder();
		if (builder instanceof ReactorClientHttpConnectorBuilder reactor) {
			builder = reactor
				.withHttpClientCustomizer((httpClient) -> httpClient.disableRetry(true).followRedirect(false));
		}
		return builder.build(settings("pos.auth.ssl-bundle", sslBundleName, connectTimeout, readTimeout)
			.withRedirects(HttpRedirects.DONT_FOLLOW));
	}

	private ClientHttpConnectorBuilder<?> connectorBuilder() {
		return this.connectorBuilder.getIfAvailable(() -> ClientHttpConnectorBuilder.detect(this.classLoader));
	}

	ClientHttpRequestFactory requestFactory(String sslBundleProperty, @Nullable String sslBundleName,
			Duration connectTimeout, Duration readTimeout) {
		return this.requestFactoryBuilder.getIfAvailable(() -> ClientHttpRequestFactoryBuilder.detect(this.classLoader))
			.build(settings(sslBundleProperty, sslBundleName, connectTimeout, readTimeout));
	}

	/**
	 * The settings of pos-auth's clients of the PoS API: {@code pos.api.*}, else the
	 * application's HTTP client settings.
	 * @param api the PoS API properties
	 * @return the settings of pos-auth's clients of the PoS API
	 */
	HttpClientSettings apiSettings(PosApiProperties api) {
		return settings("pos.api.ssl-bundle", api.getSslBundle(), api.getConnectTimeout(), api.getReadTimeout());
	}

	ClientHttpConnector connector(HttpClientSettings settings) {
		return connectorBuilder().build(settings);
	}

	ClientHttpRequestFactory requestFactory(HttpClientSettings settings) {
		return this.requestFactoryBuilder.getIfAvailable(() -> ClientHttpRequestFactoryBuilder.detect(this.classLoader))
			.build(settings);
	}

	private HttpClientSettings settings(String sslBundleProperty, @Nullable String sslBundleName,
			Duration connectTimeout, Duration readTimeout) {
		return new HttpClientSettings(null, connectTimeout, readTimeout, sslBundle(sslBundleProperty, sslBundleName))
			.orElse(this.globalSettings.getIfAvailable(HttpClientSettings::defaults));
	}

	private @Nullable SslBundle sslBundle(String property, @Nullable String name) {
		if (!StringUtils.hasText(name)) {
			return null;
		}
		SslBundles bundles = this.sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new InvalidPosPropertyException(property,
					"it names SSL bundle '" + name + "' but the application has no SSL bundles",
					"Define spring.ssl.bundle.pem." + name + " (or spring.ssl.bundle.jks." + name + ") or remove "
							+ property + ".");
		}
		try {
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidPosPropertyException(property, "there is no SSL bundle named '" + name + "'",
					"Define spring.ssl.bundle.pem." + name + ".truststore.certificate (or a jks bundle of that name), "
							+ "or correct " + property + ".");
		}
	}

}
