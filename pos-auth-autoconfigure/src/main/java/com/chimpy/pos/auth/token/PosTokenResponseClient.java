package com.chimpy.pos.auth.token;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import com.chimpy.pos.auth.token.TokenEndpointException.Kind;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.Assert;
import org.springframework.util.CollectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientException;

/**
 * Sends password and refresh-token grant requests to the token endpoint of the client
 * registration, as JSON (the Chimpy authorization service) or as form data (RFC 6749),
 * and reads the answer whatever its status.
 * <p>
 * The request carries exactly: {@code grant_type}, {@code client_id},
 * {@code client_secret} (only when the registration has one), {@code audience} (only when
 * configured, here or in the registration's {@link #AUDIENCE_METADATA} metadata), then
 * {@code username}, {@code password} and {@code scope} (only when the registration has
 * scopes) for the password grant, or {@code refresh_token} for the refresh grant.
 * <p>
 * An answer with an {@code error} field is the authorization server's verdict: a
 * {@link TokenEndpointException} carrying the server's code and description, whatever the
 * HTTP status (Auth0 answers {@code invalid_grant} with 403). Connection failures,
 * timeouts, 5xx and 429 (except {@code too_many_attempts}) are
 * {@linkplain TokenEndpointException.Kind#UNAVAILABLE unavailable}; any other answer that
 * is not a bearer token response (an HTML page from a firewall, an empty 400, a garbled
 * or oversized body) is an {@linkplain TokenEndpointException.Kind#UNEXPECTED_RESPONSE
 * unexpected response}, {@code invalid_token_response}; both are
 * {@linkplain TokenEndpointException#isTransient() transient} and never a verdict on the
 * credentials. Redirects are never followed (the connector must not follow them either):
 * a 3xx is a configuration error naming the target's origin. {@code Retry-After} and
 * Auth0's {@code X-RateLimit-Reset} are honoured; the last {@code X-RateLimit-Remaining}
 * is kept for metrics. Neither requests nor responses are ever logged, and the token URI
 * appears in messages without user information or query.
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

	/**
	 * The key of the provider configuration metadata of a client registration that gives
	 * the registration (an account) its own {@code audience}, in place of the one this
	 * client was created with.
	 */
	public static final String AUDIENCE_METADATA = "pos.audience";

	private static final String AUDIENCE = "audience";

	private static final String USERNAME = "username";

	private static final String PASSWORD = "password";

	private static final MediaType FORM_UTF_8 = new MediaType(MediaType.APPLICATION_FORM_URLENCODED,
			StandardCharsets.UTF_8);

	private final WebClient webClient;

	private final TokenRequestFormat format;

	private final @Nullable String audience;

	private volatile TokenResponseReader reader = new TokenResponseReader(Clock.systemUTC());

	private volatile long rateLimitRemaining = -1;

	/**
	 * Create a client.
	 * @param webClient the client used for token requests (timeouts and TLS are its
	 * concern)
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
		String registrationId = registration.getRegistrationId();
		String tokenUri = registration.getProviderDetails().getTokenUri();
		return Mono.defer(() -> {
			Map<String, String> parameters = parameters(grantRequest);
			TokenResponseReader reader = this.reader;
			Instant sentAt = reader.now();
			// A URI object is sent as written; a string would be taken as a template and
			// encoded once more.
			WebClient.RequestBodySpec request = this.webClient.post()
				.uri(URI.create(tokenUri.trim()))
				.accept(MediaType.APPLICATION_JSON);
			// Bodies travel as bytes: Spring's object and string codecs log values at
			// debug level, and these hold
			// credentials and tokens; the byte array codecs log only the length.
			WebClient.RequestHeadersSpec<?> withBody = (this.format == TokenRequestFormat.JSON)
					? request.contentType(MediaType.APPLICATION_JSON)
						.bodyValue(JsonMapper.shared().writeValueAsBytes(parameters))
					: request.contentType(FORM_UTF_8).bodyValue(formEncoded(parameters));
			return withBody.exchangeToMono((response) -> response.bodyToMono(byte[].class)
				.defaultIfEmpty(new byte[0])
				.map((body) -> read(reader, registrationId, tokenUri, sentAt, response.statusCode(),
						response.headers().asHttpHeaders(), body))
				.onErrorMap((ex) -> !(ex instanceof TokenEndpointException),
						(ex) -> unreadable(registrationId, response.statusCode().value(), ex)));
		})
			.onErrorMap((ex) -> !(ex instanceof TokenEndpointException),
					(ex) -> unreachable(registrationId, tokenUri, ex));
	}

	/**
	 * Set the clock that token lifetimes and retry hints are read against (the system
	 * clock by default).
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock must not be null");
		this.reader = new TokenResponseReader(clock);
	}

	/**
	 * The value of Auth0's {@code X-RateLimit-Remaining} header on the last answer of the
	 * token endpoint that had one, for operators to see how close the fleet is to the
	 * rate limit.
	 * @return the number of token requests left in the current window, or {@code -1}
	 * before any answer said
	 */
	public long getRateLimitRemaining() {
		return this.rateLimitRemaining;
	}

	private @Nullable String audience(ClientRegistration registration) {
		Object own = registration.getProviderDetails().getConfigurationMetadata().get(AUDIENCE_METADATA);
		return (own instanceof String text && StringUtils.hasText(text)) ? text : this.audience;
	}

	private Map<String, String> parameters(AbstractOAuth2AuthorizationGrantRequest grantRequest) {
		ClientRegistration registration = grantRequest.getClientRegistration();
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put(OAuth2ParameterNames.GRANT_TYPE, grantRequest.getGrantType().getValue());
		parameters.put(OAuth2ParameterNames.CLIENT_ID, registration.getClientId());
		if (StringUtils.hasText(registration.getClientSecret())) {
			parameters.put(OAuth2ParameterNames.CLIENT_SECRET, registration.getClientSecret());
		}
		String audience = audience(registration);
		if (audience != null) {
			parameters.put(AUDIENCE, audience);
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

	private OAuth2AccessTokenResponse read(TokenResponseReader reader, String registrationId, String tokenUri,
			Instant sentAt, HttpStatusCode status, HttpHeaders headers, byte[] body) {
		long remaining = RetryHint.rateLimitRemaining(headers);
		if (remaining >= 0) {
			this.rateLimitRemaining = remaining;
		}
		return reader.read(registrationId, tokenUri, sentAt, status, headers, body);
	}

	/**
	 * An answer whose body could not be read: too large, or the connection broke while it
	 * arrived.
	 * @param registrationId the registration id
	 * @param status the status
	 * @param ex the failure
	 * @return the error for the unreadable answer
	 */
	private static TokenEndpointException unreadable(String registrationId, int status, Throwable ex) {
		if (ex instanceof DataBufferLimitException) {
			return TokenResponseReader.unexpected(registrationId, status,
					"The token endpoint answered HTTP " + status + " with a body larger than a token response can be",
					null);
		}
		String message = "The connection to the token endpoint broke while its answer (HTTP " + status + ") arrived ("
				+ describeCauses(ex) + ")";
		return new TokenEndpointException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, message, null),
				registrationId, message, Kind.UNAVAILABLE, true, true, status, null, ex);
	}

	/**
	 * The causes below a client's wrapper exception, for example
	 * {@code SSLHandshakeException > SunCertPathBuilderException: unable to find valid certification path}.
	 * @param ex the failure
	 * @return the causes below the wrapper exception
	 */
	private static String describeCauses(Throwable ex) {
		StringBuilder description = new StringBuilder();
		Throwable cause = (ex.getCause() != null && ex instanceof WebClientException) ? ex.getCause() : ex;
		Throwable last = cause;
		for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
			description.append((depth > 0) ? " > " : "").append(cause.getClass().getSimpleName());
			last = cause;
		}
		return description + ((last.getMessage() != null) ? ": " + last.getMessage() : "");
	}

	private static TokenEndpointException unreachable(String registrationId, String tokenUri, Throwable ex) {
		String message = "The token endpoint " + RedactedUri.of(tokenUri) + " could not be reached ("
				+ describeCauses(ex) + ")";
		return new TokenEndpointException(new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, message, null),
				registrationId, message, Kind.UNAVAILABLE, true, !neverSent(ex), 0, null, ex);
	}

	/**
	 * Whether the failure happened before any byte of the request can have left: no
	 * address, no connection, no TLS session.
	 * @param ex the failure
	 * @return whether no byte of the request can have left
	 */
	private static boolean neverSent(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof UnknownHostException
					|| cause instanceof UnresolvedAddressException || cause instanceof SSLHandshakeException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
