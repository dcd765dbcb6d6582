package com.chimpy.pos.auth.token;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.Assert;
import org.springframework.util.CollectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends password and refresh-token grant requests to the token endpoint of the client registration, as JSON (the
 * Chimpy authorization service) or as form data (RFC 6749), and reads the answer whatever its status.
 * <p>
 * The request carries exactly: {@code grant_type}, {@code client_id}, {@code client_secret} (only when the
 * registration has one), {@code audience} (only when configured), then {@code username}, {@code password} and
 * {@code scope} (only when the registration has scopes) for the password grant, or {@code refresh_token} for the
 * refresh grant.
 * <p>
 * Any answer with an {@code error} field becomes a {@link TokenEndpointException} carrying the server's code and
 * description, whatever the HTTP status (Auth0 answers {@code invalid_grant} with 403). Connection failures,
 * timeouts, 5xx, 429 (except {@code too_many_attempts}) and answers that are not a bearer token response are
 * {@linkplain TokenEndpointException#isTransient() transient}. Neither requests nor responses are ever logged.
 */
public final class PosTokenResponseClient
		implements ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> {

	/**
	 * The error code for an answer that is not a usable token response.
	 */
	public static final String INVALID_TOKEN_RESPONSE = "invalid_token_response";

	/**
	 * The code Auth0 uses when it has blocked the user after too many failed logins.
	 */
	public static final String TOO_MANY_ATTEMPTS = "too_many_attempts";

	private static final String AUDIENCE = "audience";

	private static final String USERNAME = "username";

	private static final String PASSWORD = "password";

	private static final long DEFAULT_EXPIRES_IN_SECONDS = 60;

	private static final MediaType FORM_UTF_8 = new MediaType(MediaType.APPLICATION_FORM_URLENCODED,
			StandardCharsets.UTF_8);

	private final WebClient webClient;

	private final TokenRequestFormat format;

	private final @Nullable String audience;

	/**
	 * Create a client.
	 * @param webClient the client used for token requests (timeouts and TLS are its concern)
	 * @param format how request bodies are encoded
	 * @param audience the {@code audience} parameter, or {@code null} to send none
	 */
	public PosTokenResponseClient(WebClient webClient, TokenRequestFormat format, @Nullable String audience) {
		Assert.notNull(webClient, "webClient must not be null");
		Assert.notNull(format, "format must not be null");
		this.webClient = webClient;
		this.format = format;
		this.audience = StringUtils.hasText(audience) ? audience : null;
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(AbstractOAuth2AuthorizationGrantRequest grantRequest) {
		Assert.notNull(grantRequest, "grantRequest must not be null");
		ClientRegistration registration = grantRequest.getClientRegistration();
		Map<String, String> parameters = parameters(grantRequest);
		String tokenUri = registration.getProviderDetails().getTokenUri();
		WebClient.RequestBodySpec request = this.webClient.post()
			.uri(tokenUri)
			.accept(MediaType.APPLICATION_JSON);
		// Bodies travel as bytes: Spring's object and string codecs log values at debug level, and these hold
		// credentials and tokens; the byte array codecs log only the length.
		WebClient.RequestHeadersSpec<?> withBody = (this.format == TokenRequestFormat.JSON)
				? request.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(JsonMapper.shared().writeValueAsBytes(parameters))
				: request.contentType(FORM_UTF_8).bodyValue(formEncoded(parameters));
		String registrationId = registration.getRegistrationId();
		return withBody
			.exchangeToMono((response) -> response.bodyToMono(byte[].class)
				.map((bytes) -> new String(bytes, StandardCharsets.UTF_8))
				.defaultIfEmpty("")
				.map((body) -> read(registrationId, response.statusCode(), response.headers().asHttpHeaders(), body)))
			.onErrorMap((ex) -> !(ex instanceof TokenEndpointException),
					(ex) -> unreachable(registrationId, tokenUri, ex));
	}

	private Map<String, String> parameters(AbstractOAuth2AuthorizationGrantRequest grantRequest) {
		ClientRegistration registration = grantRequest.getClientRegistration();
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put(OAuth2ParameterNames.GRANT_TYPE, grantRequest.getGrantType().getValue());
		parameters.put(OAuth2ParameterNames.CLIENT_ID, registration.getClientId());
		if (StringUtils.hasText(registration.getClientSecret())) {
			parameters.put(OAuth2ParameterNames.CLIENT_SECRET, registration.getClientSecret());
		}
		if (this.audience != null) {
			parameters.put(AUDIENCE, this.audience);
		}
		if (grantRequest instanceof PasswordGrantRequest password) {
			parameters.put(USERNAME, password.getUsername());
			parameters.put(PASSWORD, password.getPassword());
			// A registration built without scopes answers null, not an empty set.
			if (!CollectionUtils.isEmpty(registration.getScopes())) {
				parameters.put(OAuth2ParameterNames.SCOPE,
						StringUtils.collectionToDelimitedString(registration.getScopes(), " "));
			}
		}
		else if (grantRequest instanceof OAuth2RefreshTokenGrantRequest refresh) {
			parameters.put(OAuth2ParameterNames.REFRESH_TOKEN, refresh.getRefreshToken().getTokenValue());
		}
		else {
			throw new IllegalArgumentException("Unsupported grant type: " + grantRequest.getGrantType().getValue());
		}
		return parameters;
	}

	private static byte[] formEncoded(Map<String, String> parameters) {
		StringBuilder form = new StringBuilder();
		parameters.forEach((name, value) -> {
			if (!form.isEmpty()) {
				form.append('&');
			}
			form.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
				.append('=')
				.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
		});
		return form.toString().getBytes(StandardCharsets.UTF_8);
	}

	private OAuth2AccessTokenResponse read(String registrationId, HttpStatusCode status, HttpHeaders headers,
			String body) {
		Map<?, ?> json = parseObject(body);
		int code = status.value();
		Duration retryAfter = retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER));
		if (json != null && json.get(OAuth2ParameterNames.ERROR) instanceof String errorCode) {
			String description = (json.get(OAuth2ParameterNames.ERROR_DESCRIPTION) instanceof String text) ? text
					: null;
			boolean transientFailure = (code >= 500 || code == 429) && !TOO_MANY_ATTEMPTS.equals(errorCode);
			String message = "The token endpoint answered HTTP " + code + " with error '" + errorCode + "'"
					+ ((description != null) ? ": " + description : "");
			throw new TokenEndpointException(new OAuth2Error(errorCode, description, null), registrationId, message,
					transientFailure, code, retryAfter, null);
		}
		if (code >= 500 || code == 429) {
			String errorCode = (code == 429 || code == 503) ? OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE
					: OAuth2ErrorCodes.SERVER_ERROR;
			throw failure(registrationId, errorCode, "The token endpoint answered HTTP " + code, true, code,
					retryAfter);
		}
		if (!status.is2xxSuccessful()) {
			throw failure(registrationId, INVALID_TOKEN_RESPONSE,
					"The token endpoint answered HTTP " + code + " without an OAuth2 error; check pos.auth.token-uri",
					false, code, retryAfter);
		}
		if (json == null) {
			throw failure(registrationId, INVALID_TOKEN_RESPONSE,
					"The token endpoint answered HTTP " + code + " with a body that is not a JSON object", true, code,
					retryAfter);
		}
		return tokenResponse(registrationId, code, json);
	}

	private OAuth2AccessTokenResponse tokenResponse(String registrationId, int code, Map<?, ?> json) {
		if (!(json.get(OAuth2ParameterNames.ACCESS_TOKEN) instanceof String accessToken)
				|| !StringUtils.hasText(accessToken)) {
			throw failure(registrationId, INVALID_TOKEN_RESPONSE,
					"The token endpoint answered HTTP " + code + " without an access_token", true, code, null);
		}
		Object tokenType = json.get(OAuth2ParameterNames.TOKEN_TYPE);
		if (tokenType != null && !OAuth2AccessToken.TokenType.BEARER.getValue().equalsIgnoreCase(tokenType.toString())) {
			throw failure(registrationId, INVALID_TOKEN_RESPONSE, "The token endpoint answered token_type '"
					+ tokenType + "'; only Bearer tokens are supported", true, code, null);
		}
		OAuth2AccessTokenResponse.Builder builder = OAuth2AccessTokenResponse.withToken(accessToken)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(expiresIn(json.get(OAuth2ParameterNames.EXPIRES_IN), accessToken));
		if (json.get(OAuth2ParameterNames.REFRESH_TOKEN) instanceof String refreshToken
				&& StringUtils.hasText(refreshToken)) {
			builder.refreshToken(refreshToken);
		}
		if (json.get(OAuth2ParameterNames.SCOPE) instanceof String scope && StringUtils.hasText(scope)) {
			builder.scopes(StringUtils.commaDelimitedListToSet(scope.replace(' ', ',')));
		}
		return builder.build();
	}

	/**
	 * Seconds of validity: {@code expires_in} when present, else the {@code exp} claim of a JWT access token, else
	 * one minute (renewing too early is cheap, using a dead token is not).
	 */
	private static long expiresIn(@Nullable Object expiresIn, String accessToken) {
		if (expiresIn instanceof Number number) {
			return Math.max(1, number.longValue());
		}
		if (expiresIn instanceof String text && text.matches("\\d+")) {
			return Math.max(1, Long.parseLong(text));
		}
		Long exp = jwtExpiry(accessToken);
		return (exp != null) ? Math.max(1, exp - Instant.now().getEpochSecond()) : DEFAULT_EXPIRES_IN_SECONDS;
	}

	private static @Nullable Long jwtExpiry(String accessToken) {
		String[] parts = accessToken.split("\\.");
		if (parts.length != 3) {
			return null;
		}
		try {
			Map<?, ?> claims = parseObject(new String(Base64.getUrlDecoder().decode(parts[1])));
			return (claims != null && claims.get("exp") instanceof Number exp) ? exp.longValue() : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static @Nullable Map<?, ?> parseObject(String body) {
		if (!StringUtils.hasText(body)) {
			return null;
		}
		try {
			return JsonMapper.shared().readValue(body, Map.class);
		}
		catch (RuntimeException ex) {
			// Parser messages quote the input, which may hold a token: never pass them on.
			return null;
		}
	}

	static @Nullable Duration retryAfter(@Nullable String value) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String trimmed = value.trim();
		if (trimmed.matches("\\d+")) {
			return Duration.ofSeconds(Long.parseLong(trimmed));
		}
		try {
			Duration until = Duration.between(Instant.now(),
					ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
			return until.isNegative() ? Duration.ZERO : until;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static TokenEndpointException failure(String registrationId, String errorCode, String message,
			boolean transientFailure, int status, @Nullable Duration retryAfter) {
		return new TokenEndpointException(new OAuth2Error(errorCode, message, null), registrationId, message,
				transientFailure, status, retryAfter, null);
	}

	/**
	 * The causes below a client's wrapper exception, for example
	 * {@code SSLHandshakeException > SunCertPathBuilderException: unable to find valid certification path}.
	 */
	private static String describeCauses(Throwable ex) {
		StringBuilder description = new StringBuilder();
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		Throwable last = cause;
		for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
			description.append((depth > 0) ? " > " : "").append(cause.getClass().getSimpleName());
			last = cause;
		}
		return description + ((last.getMessage() != null) ? ": " + last.getMessage() : "");
	}

	private static TokenEndpointException unreachable(String registrationId, String tokenUri, Throwable ex) {
		String message = "The token endpoint " + tokenUri + " could not be reached (" + describeCauses(ex) + ")";
		return new TokenEndpointException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, message, null),
				registrationId, message, true, 0, null, ex);
	}

}
