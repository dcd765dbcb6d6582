package com.chimpy.pos.auth.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.token.RedactedUri;

import org.springframework.util.StringUtils;

/**
 * Checks the {@code pos.*} properties before anything is built from them, and reports the
 * first mistake as an {@link InvalidPosPropertyException}.
 */
final class PosPropertiesValidator {

	private PosPropertiesValidator() {
	}

	static void validate(PosAuthProperties auth, PosApiProperties api) {
		validate(auth, api, false);
	}

	/**
	 * Check the properties.
	 * @param auth the {@code pos.auth.*} properties
	 * @param api the {@code pos.api.*} properties
	 * @param accountResolvers whether the application supplies accounts at run time, so
	 * that neither a default account nor accounts in properties are needed
	 */
	static void validate(PosAuthProperties auth, PosApiProperties api, boolean accountResolvers) {
		url("pos.auth.token-uri", auth.getTokenUri(), "https://auth.example.com/oauth/token");
		required("pos.auth.client-id", auth.getClientId(), "the client id registered with the authorization service");
		if (hasDefaultAccount(auth) || (auth.getAccounts().isEmpty() && !accountResolvers)) {
			required("pos.auth.username", auth.getUsername(), "the username of the PoS API user"
					+ ((auth.getPassword() == null) ? ", or define accounts under pos.auth.accounts.<name>" : ""));
			required("pos.auth.password", auth.getPassword(), "the password of the PoS API user");
		}
		auth.getAccounts().forEach((name, account) -> {
			String prefix = "pos.auth.accounts." + name;
			required(prefix + ".username", account.getUsername(), "the username of account '" + name + "'");
			required(prefix + ".password", account.getPassword(), "the password of account '" + name + "'");
		});
		positive("pos.auth.account-idle-timeout", auth.getAccountIdleTimeout());
		url("pos.api.base-url", api.getBaseUrl(), "https://pos.example.com/api/v2");
		required("pos.api.http-service-group", api.getHttpServiceGroup(),
				"the group name of your @ImportHttpServices for the PoS API, or remove it to use the default 'pos'");
		positive("pos.auth.connect-timeout", auth.getConnectTimeout());
		positive("pos.auth.read-timeout", auth.getReadTimeout());
		positive("pos.auth.refresh-ahead", auth.getRefreshAhead());
		positive("pos.auth.expiry-margin", auth.getExpiryMargin());
		positive("pos.auth.max-wait", auth.getMaxWait());
		positive("pos.auth.request-timeout", auth.getRequestTimeout());
		positive("pos.auth.retry-backoff", auth.getRetryBackoff());
		positive("pos.auth.max-retry-backoff", auth.getMaxRetryBackoff());
		positive("pos.auth.rejection-backoff", auth.getRejectionBackoff());
		positive("pos.auth.unauthorized-backoff", auth.getUnauthorizedBackoff());
		positive("pos.auth.max-unauthorized-backoff", auth.getMaxUnauthorizedBackoff());
		positive("pos.api.connect-timeout", api.getConnectTimeout());
		positive("pos.api.read-timeout", api.getReadTimeout());
		if (auth.getRefreshAhead().compareTo(auth.getExpiryMargin()) < 0) {
			throw new InvalidPosPropertyException("pos.auth.refresh-ahead",
					"it is shorter than pos.auth.expiry-margin, so callers would wait before any background renewal",
					"Set pos.auth.refresh-ahead to at least pos.auth.expiry-margin (defaults: 5m and 30s).");
		}
		if (auth.getMaxRetryBackoff().compareTo(auth.getRetryBackoff()) < 0) {
			throw new InvalidPosPropertyException("pos.auth.max-retry-backoff",
					"it is shorter than pos.auth.retry-backoff",
					"Set pos.auth.max-retry-backoff to at least pos.auth.retry-backoff (defaults: 2m and 1s).");
		}
		if (auth.getMaxUnauthorizedBackoff().compareTo(auth.getUnauthorizedBackoff()) < 0) {
			throw new InvalidPosPropertyException("pos.auth.max-unauthorized-backoff",
					"it is shorter than pos.auth.unauthorized-backoff",
					"Set pos.auth.max-unauthorized-backoff to at least pos.auth.unauthorized-backoff (defaults: 5m and 10s).");
		}
		if (auth.getMaxCredentialRejections() < 1) {
			throw new InvalidPosPropertyException("pos.auth.max-credential-rejections",
					"it is " + auth.getMaxCredentialRejections() + " but must be at least 1",
					"Set pos.auth.max-credential-rejections to a small number such as 3 (the default).");
		}
	}

	/**
	 * Whether the top-level username or password is set: then both are, and they are the
	 * default account.
	 * @param auth the properties
	 * @return whether there is a default account
	 */
	static boolean hasDefaultAccount(PosAuthProperties auth) {
		return StringUtils.hasText(auth.getUsername()) || StringUtils.hasText(auth.getPassword());
	}

	private static String required(String property, @Nullable String value, String meaning) {
		if (value == null || !StringUtils.hasText(value)) {
			throw new InvalidPosPropertyException(property, "it is not set",
					"Set " + property + " to " + meaning + " (in application.yml or as an environment variable).");
		}
		return value;
	}

	/**
	 * The value of a property that {@link #validate} has found set.
	 * @param property the property
	 * @param value its value
	 * @return the value
	 */
	static String validated(String property, @Nullable String value) {
		if (value == null) {
			throw new IllegalStateException(property + " was not validated");
		}
		return value;
	}

	static void url(String property, @Nullable String given, String example) {
		String value = required(property, given, "a URL such as " + example);
		URI uri;
		try {
			uri = new URI(value.trim());
		}
		catch (URISyntaxException ex) {
			throw new InvalidPosPropertyException(property, "'" + RedactedUri.of(value) + "' is not a valid URL",
					"Set " + property + " to a URL such as " + example + ".");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!(scheme.equals("https") || scheme.equals("http")) || !StringUtils.hasText(uri.getHost())) {
			throw new InvalidPosPropertyException(property,
					"'" + RedactedUri.of(value) + "' is not an absolute http(s) URL with a host",
					"Set " + property + " to a URL such as " + example + ".");
		}
		if (scheme.equals("http") && !isLoopback(uri.getHost())) {
			throw new InvalidPosPropertyException(property,
					"'" + RedactedUri.of(value) + "' uses http, which would send credentials or tokens in clear text",
					"Use an https URL such as " + example
							+ ". Plain http is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]).");
		}
	}

	private static void positive(String property, @Nullable Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidPosPropertyException(property, "it is " + value + " but must be a positive duration",
					"Set " + property + " to a positive duration such as 10s, or remove it to use the default.");
		}
	}

	static boolean isLoopback(String host) {
		String h = host.toLowerCase(Locale.ROOT);
		if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
			return true;
		}
		String[] octets = h.split("\\.", -1);
		if (octets.length != 4 || !octets[0].equals("127")) {
			return false;
		}
		for (String octet : octets) {
			if (!octet.matches("\\d{1,3}") || Integer.parseInt(octet) > 255) {
				return false;
			}
		}
		return true;
	}

}
