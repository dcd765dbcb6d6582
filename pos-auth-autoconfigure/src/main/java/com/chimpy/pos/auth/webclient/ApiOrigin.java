package com.chimpy.pos.auth.webclient;

import java.net.URI;
import java.util.Locale;

import org.springframework.util.Assert;

/**
 * The origin (scheme, host and port) of the PoS API: the only place a bearer token is
 * sent to, by {@code posWebClient} and {@code posRestClient} alike.
 */
public final class ApiOrigin {

	private final String scheme;

	private final String host;

	private final int port;

	/**
	 * Create the origin of a base URL.
	 * @param baseUrl the base URL of the PoS API
	 */
	public ApiOrigin(URI baseUrl) {
		Assert.notNull(baseUrl, "baseUrl must not be null");
		Assert.hasText(baseUrl.getScheme(), "baseUrl must have a scheme");
		Assert.hasText(baseUrl.getHost(), "baseUrl must have a host");
		this.scheme = baseUrl.getScheme().toLowerCase(Locale.ROOT);
		this.host = baseUrl.getHost().toLowerCase(Locale.ROOT);
		this.port = effectivePort(this.scheme, baseUrl.getPort());
	}

	/**
	 * Whether the URL has this origin.
	 * @param url an absolute URL
	 * @return {@code true} when scheme, host and port match (default ports included)
	 */
	public boolean matches(URI url) {
		String urlScheme = url.getScheme();
		String urlHost = url.getHost();
		return urlScheme != null && urlHost != null && this.scheme.equalsIgnoreCase(urlScheme)
				&& this.host.equalsIgnoreCase(urlHost)
				&& this.port == effectivePort(urlScheme.toLowerCase(Locale.ROOT), url.getPort());
	}

	private static int effectivePort(String scheme, int port) {
		if (port != -1) {
			return port;
		}
		return "https".equals(scheme) ? 443 : ("http".equals(scheme) ? 80 : -1);
	}

	@Override
	public String toString() {
		return this.scheme + "://" + this.host + ":" + this.port;
	}

}
