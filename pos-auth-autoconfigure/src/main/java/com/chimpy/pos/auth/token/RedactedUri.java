package com.chimpy.pos.auth.token;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * URLs as they may appear in messages and logs: without user information (which may hold
 * a password), query or fragment (which may hold a token).
 */
public final class RedactedUri {

	private RedactedUri() {
	}

	/**
	 * The URL's scheme, host, port and path.
	 * @param uri a URL as configured
	 * @return the URL without user information, query and fragment
	 */
	public static String of(String uri) {
		try {
			URI parsed = URI.create(uri.trim());
			if (parsed.getHost() != null) {
				return origin(parsed) + ((parsed.getRawPath() != null) ? parsed.getRawPath() : "");
			}
		}
		catch (IllegalArgumentException ex) {
			// Not a URI: fall back to cutting it up as text.
		}
		String withoutQuery = uri.trim().replaceAll("[?#].*$", "");
		return withoutQuery.replaceAll("(?<=//)[^/]*@", "");
	}

	/**
	 * The URL's origin.
	 * @param uri an absolute URL
	 * @return {@code scheme://host:port} (the port only when given), or {@code null} when
	 * the URL has no host
	 */
	public static @Nullable String origin(URI uri) {
		if (uri.getHost() == null) {
			return null;
		}
		return uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : "");
	}

}
