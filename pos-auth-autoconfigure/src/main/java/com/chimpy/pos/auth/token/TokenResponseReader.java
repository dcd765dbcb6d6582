package com.chimpy.pos.auth.token;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import com.chimpy.pos.auth.token.TokenEndpointException.Kind;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.StringUtils;

/**
 * Reads an answer of the token endpoint (status, headers and body) into a token response
 * or the {@link TokenEndpointException} it means: an OAuth2 error is the server's
 * verdict; 5xx and 429 are an outage; a redirect is a configuration error naming the
 * target's origin; anything else that is not a bearer token response is an unexpected
 * response ({@code invalid_token_response}). A pure function of the answer and the clock,
 * so it is tested without a server. Nothing of the body is ever quoted in a message: it
 * may hold a token.
 */
final class TokenResponseReader {

	private final Clock clock;

	TokenResponseReader(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The current time of the reader's clock, for the moment a request is sent.
	 * @return the current time of the reader's clock, for the moment a request is sent
	 */
	Instant now() {
		return this.clock.instant();
	}

	/**
	 * The token response of an answer, or the failure it means.
	 * @param registrationId the client registration the request was for
	 * @param tokenUri the token URI the request went to
	 * @param sentAt when the request was sent
	 * @param status the status of the answer
	 * @param headers the headers of the answer
	 * @param bytes the body of the answer
	 * @return the token response
	 * @throws TokenEndpointException when the answer is not a usable token response
	 */
	OAuth2AccessTokenResponse read(String registrationId, String tokenUri, Instant sentAt, HttpStatusCode status,
			HttpHeaders headers, byte[] bytes) {
		int code = status.value();
		if (status.is3xxRedirection()) {
			throw redirected(registrationId, tokenUri, code, headers.getLocation());
		}
		Map<?, ?> json = parseObject(bytes);
		Duration retryAfter = RetryHint.of(headers, code, this.clock.instant());
		if (json != null && json.get(OAuth2ParameterNames.ERROR) instanceof String errorCode) {
			String description = (json.get(OAuth2ParameterNames.ERROR_DESCRIPTION) instanceof String text) ? text
					: null;
			boolean unavailable = ((code >= 500 || code == 429)
					&& !PosTokenResponseClient.TOO_MANY_ATTEMPTS.equals(errorCode))
					|| OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE.equals(errorCode)
					|| OAuth2ErrorCodes.SERVER_ERROR.equals(errorCode);
			String message = "The token endpoint answered HTTP " + code + " with error '" + errorCode + "'"
					+ ((description != null) ? ": " + description : "");
			throw new TokenEndpointException(new OAuth2Error(errorCode, description, null), registrationId, message,
					unavailable ? Kind.UNAVAILABLE : Kind.REJECTED, unavailable, true, code, retryAfter, null);
		}
		if (code >= 500 || code == 429) {
			String errorCode = (code == 429 || code == 503) ? OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE
					: OAuth2ErrorCodes.SERVER_ERROR;
			throw failure(registrationId, errorCode, "The token endpoint answered HTTP " + code, Kind.UNAVAILABLE, true,
					code, retryAfter);
		}
		if (!status.is2xxSuccessful()) {
			throw unexpected(registrationId, code,
					"The token endpoint answered HTTP " + code + describeBody(headers, bytes)
							+ " without an OAuth2 error: something between pos-auth and the "
							+ "authorization server (a proxy, gateway or firewall) may have answered instead; check "
							+ "pos.auth.token-uri and the network path to it",
					retryAfter);
		}
		if (json == null) {
			throw unexpected(registrationId, code,
					"The token endpoint answered HTTP " + code + " with a body that is not a JSON object", null);
		}
		try {
			return tokenResponse(registrationId, code, json, sentAt);
		}
		catch (IllegalArgumentException ex) {
			throw unexpected(registrationId, code, "The token endpoint answered HTTP " + code
					+ " with a token response that has bad values (" + ex.getMessage() + ")", null);
		}
	}

	private OAuth2AccessTokenResponse tokenResponse(String registrationId, int code, Map<?, ?> json, Instant sentAt) {
		if (!(json.get(OAuth2ParameterNames.ACCESS_TOKEN) instanceof String accessToken)
				|| !StringUtils.hasText(accessToken)) {
			throw unexpected(registrationId, code,
					"The token endpoint answered HTTP " + code + " without an access_token", null);
		}
		Object tokenType = json.get(OAuth2ParameterNames.TOKEN_TYPE);
		if (tokenType != null && !(tokenType instanceof String type
				&& OAuth2AccessToken.TokenType.BEARER.getValue().equalsIgnoreCase(type))) {
			String named = (tokenType instanceof String type && type.matches("[\\w-]{1,20}")) ? " '" + type + "'" : "";
			throw unexpected(registrationId, code,
					"The token endpoint answered token_type" + named + "; only Bearer tokens are supported", null);
		}
		OAuth2AccessTokenResponse.Builder builder = OAuth2AccessTokenResponse.withToken(accessToken)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(TokenLifetime.seconds(json.get(OAuth2ParameterNames.EXPIRES_IN), accessToken, sentAt,
					this.clock.instant()));
		if (json.get(OAuth2ParameterNames.REFRESH_TOKEN) instanceof String refreshToken
				&& StringUtils.hasText(refreshToken)) {
			builder.refreshToken(refreshToken);
		}
		if (json.get(OAuth2ParameterNames.SCOPE) instanceof String scope && StringUtils.hasText(scope)) {
			builder.scopes(StringUtils.commaDelimitedListToSet(scope.replace(' ', ',')));
		}
		return builder.build();
	}

	private static @Nullable Map<?, ?> parseObject(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return JsonMapper.shared().readValue(body, Map.class);
		}
		catch (RuntimeException ex) {
			// Parser messages quote the input, which may hold a token: never pass them
			// on.
			return null;
		}
	}

	private static String describeBody(HttpHeaders headers, byte[] body) {
		if (body.length == 0) {
			return " with an empty body";
		}
		MediaType contentType = headers.getContentType();
		return " with a body of " + body.length + " bytes"
				+ ((contentType != null) ? " (" + contentType.getType() + "/" + contentType.getSubtype() + ")" : "");
	}

	private static TokenEndpointException failure(String registrationId, String errorCode, String message, Kind kind,
			boolean transientFailure, int status, @Nullable Duration retryAfter) {
		return new TokenEndpointException(new OAuth2Error(errorCode, message, null), registrationId, message, kind,
				transientFailure, true, status, retryAfter, null);
	}

	static TokenEndpointException unexpected(String registrationId, int status, String message,
			@Nullable Duration retryAfter) {
		return failure(registrationId, PosTokenResponseClient.INVALID_TOKEN_RESPONSE, message, Kind.UNEXPECTED_RESPONSE,
				true, status, retryAfter);
	}

	/**
	 * A redirect: credentials are never sent anywhere but the configured URI, so this is
	 * a configuration error, reported at once. It names the target's origin, never its
	 * path or query.
	 * @param registrationId the registration id
	 * @param tokenUri the token URI
	 * @param status the status
	 * @param location the location
	 * @return the configuration error for the redirect
	 */
	private static TokenEndpointException redirected(String registrationId, String tokenUri, int status,
			@Nullable URI location) {
		String target = null;
		if (location != null) {
			try {
				target = RedactedUri.origin(URI.create(tokenUri.trim()).resolve(location));
			}
			catch (IllegalArgumentException ex) {
				// An unusable Location: the message says there was a redirect all the
				// same.
			}
		}
		String message = "The token endpoint answered HTTP " + status + ", a redirect"
				+ ((target != null) ? " to " + target : "") + "; pos-auth never sends credentials to another address. "
				+ "Set pos.auth.token-uri to the token endpoint's actual URL (if that target is the authorization "
				+ "server) or remove whatever redirects in front of it";
		return failure(registrationId, PosTokenResponseClient.INVALID_TOKEN_RESPONSE, message, Kind.UNEXPECTED_RESPONSE,
				false, status, null);
	}

}
