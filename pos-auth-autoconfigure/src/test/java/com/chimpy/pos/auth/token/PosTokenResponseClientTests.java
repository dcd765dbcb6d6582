package com.chimpy.pos.auth.token;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.test.RefusingPort;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.client.WebClient;

import static com.chimpy.pos.auth.PosSandboxFixture.PASSWORD;
import static com.chimpy.pos.auth.PosSandboxFixture.USERNAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link PosTokenResponseClient}: the exact token request (fields, encoding, content
 * type) and the reading of token and error answers.
 */
class PosTokenResponseClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String SECRET = "client-s3cret";

	private static final String AUDIENCE = "https://pos.example.com/api";

	private static final String CLIENT_ID = "pos-client";

	private static final JsonMapper JSON = JsonMapper.shared();

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	/**
	 * Every token request gets the same scripted answer, whatever its client id and
	 * credentials: these tests check what is sent and how answers are read.
	 */
	@BeforeEach
	void answerWithAToken() {
		answerAlways(Fault.tokenAnswer("access-1", 3600, "refresh-1"));
	}

	private static void answerAlways(Fault answer) {
		sandbox().tokenEndpoint().clear().failAlways(answer);
	}

	static Stream<Arguments> optionalFields() {
		List<Arguments> arguments = new ArrayList<>();
		for (TokenRequestFormat format : TokenRequestFormat.values()) {
			for (boolean secret : new boolean[] { false, true }) {
				for (boolean audience : new boolean[] { false, true }) {
					for (boolean scope : new boolean[] { false, true }) {
						arguments.add(Arguments.of(format, secret, audience, scope));
					}
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} secret={1} audience={2} scope={3}")
	@MethodSource("optionalFields")
	void passwordGrantSendsExactlyTheConfiguredFields(TokenRequestFormat format, boolean secret, boolean audience,
			boolean scope) {
		ClientRegistration registration = registration(secret ? SECRET : null, scope ? "offline_access" : null);
		respond(format, audience, new PasswordGrantRequest(registration, USERNAME, PASSWORD));

		Map<String, Object> expected = new LinkedHashMap<>();
		expected.put("grant_type", "password");
		expected.put("client_id", CLIENT_ID);
		expected.put("username", USERNAME);
		expected.put("password", PASSWORD);
		if (secret) {
			expected.put("client_secret", SECRET);
		}
		if (audience) {
			expected.put("audience", AUDIENCE);
		}
		if (scope) {
			expected.put("scope", "offline_access");
		}
		assertSingleRequest(format, expected);
	}

	@ParameterizedTest(name = "{0} secret={1} audience={2}")
	@MethodSource("optionalFields")
	void refreshGrantSendsExactlyTheConfiguredFields(TokenRequestFormat format, boolean secret, boolean audience,
			boolean scope) {
		ClientRegistration registration = registration(secret ? SECRET : null, scope ? "offline_access" : null);
		OAuth2AccessToken old = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-0", null, null);
		respond(format, audience,
				new OAuth2RefreshTokenGrantRequest(registration, old, new OAuth2RefreshToken("refresh-0", null)));

		Map<String, Object> expected = new LinkedHashMap<>();
		expected.put("grant_type", "refresh_token");
		expected.put("client_id", CLIENT_ID);
		expected.put("refresh_token", "refresh-0");
		if (secret) {
			expected.put("client_secret", SECRET);
		}
		if (audience) {
			expected.put("audience", AUDIENCE);
		}
		assertSingleRequest(format, expected);
	}

	@Test
	void multipleScopesAreSentSpaceSeparated() {
		ClientRegistration registration = ClientRegistration.withClientRegistration(registration(null, null))
			.scope("offline_access", "read:orders")
			.build();
		respond(TokenRequestFormat.JSON, false, new PasswordGrantRequest(registration, USERNAME, PASSWORD));
		assertThat(jsonBody(tokenRequests().get(0))).containsEntry("scope", "offline_access read:orders");
	}

	@Test
	void tokenAnswerIsRead() {
		answerAlways(Fault.json(200, """
				{"access_token":"access-9","token_type":"Bearer","expires_in":7200,
				 "refresh_token":"refresh-9","scope":"offline_access read:orders"}"""));
		OAuth2AccessTokenResponse response = password(TokenRequestFormat.JSON);
		OAuth2AccessToken token = response.getAccessToken();
		assertThat(token.getTokenValue()).isEqualTo("access-9");
		assertThat(token.getTokenType()).isEqualTo(OAuth2AccessToken.TokenType.BEARER);
		assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt())).isEqualTo(Duration.ofSeconds(7200));
		assertThat(response.getRefreshToken().getTokenValue()).isEqualTo("refresh-9");
		assertThat(token.getScopes()).containsExactlyInAnyOrder("offline_access", "read:orders");
	}

	@ParameterizedTest
	@ValueSource(strings = { "2", "\"2\"" })
	void expiresInIsHonoured(String expiresIn) {
		answerAlways(Fault.json(200,
				"{\"access_token\":\"access-2\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}"));
		OAuth2AccessToken token = password(TokenRequestFormat.JSON).getAccessToken();
		assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt())).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void missingRefreshTokenMeansNone() {
		answerAlways(Fault.tokenAnswer("access-3", 60, null));
		assertThat(password(TokenRequestFormat.JSON).getRefreshToken()).isNull();
	}

	@Test
	void answerWithoutAccessTokenIsAClearError() {
		answerAlways(Fault.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":60}"));
		assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(() -> password(TokenRequestFormat.JSON))
			.withMessageContaining("without an access_token")
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode())
				.isEqualTo(PosTokenResponseClient.INVALID_TOKEN_RESPONSE));
	}

	@Test
	void answerWithOtherTokenTypeIsAClearError() {
		answerAlways(Fault.json(200, "{\"access_token\":\"access-4\",\"token_type\":\"mac\",\"expires_in\":60}"));
		assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(() -> password(TokenRequestFormat.JSON))
			.withMessageContaining("token_type 'mac'")
			.withMessageContaining("Bearer")
			.withMessageNotContaining("access-4")
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode())
				.isEqualTo(PosTokenResponseClient.INVALID_TOKEN_RESPONSE));
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 403 })
	void oauthErrorCarriesTheServersCodeAndDescriptionWhateverTheStatus(int status) {
		answerAlways(Fault.oauthError(status, "invalid_grant", "Wrong email or password."));
		assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(() -> password(TokenRequestFormat.FORM))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant");
				assertThat(ex.getError().getDescription()).isEqualTo("Wrong email or password.");
				assertThat(ex.getStatusCode()).isEqualTo(status);
				assertThat(ex.isTransient()).isFalse();
				assertThat(ex.getMessage()).doesNotContain(PASSWORD);
			});
	}

	@Test
	void serverErrorIsTransientAndCarriesRetryAfter() {
		answerAlways(Fault.answer(503, Map.of("Retry-After", "7"), ""));
		assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(() -> password(TokenRequestFormat.JSON))
			.satisfies((ex) -> {
				assertThat(ex.isTransient()).isTrue();
				assertThat(ex.getStatusCode()).isEqualTo(503);
				assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(7));
			});
	}

	@Test
	void tooManyAttemptsIsNotTransient() {
		answerAlways(Fault.oauthError(429, "too_many_attempts", "Your account is blocked."));
		assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(() -> password(TokenRequestFormat.JSON))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("too_many_attempts");
				assertThat(ex.isTransient()).isFalse();
			});
	}

	@Test
	void unreachableEndpointIsTransient() {
		try (RefusingPort refusing = RefusingPort.open()) {
			refuse(refusing.url("/oauth/token"));
		}
	}

	private void refuse(String tokenUri) {
		ClientRegistration registration = ClientRegistration.withClientRegistration(registration(null, null))
			.tokenUri(tokenUri)
			.build();
		PosTokenResponseClient client = new PosTokenResponseClient(WebClient.create(), TokenRequestFormat.JSON, null);
		assertThatExceptionOfType(TokenEndpointException.class)
			.isThrownBy(() -> client.getTokenResponse(new PasswordGrantRequest(registration, USERNAME, PASSWORD))
				.block(TIMEOUT))
			.satisfies((ex) -> {
				assertThat(ex.isTransient()).isTrue();
				assertThat(ex.getStatusCode()).isZero();
			});
	}

	@ParameterizedTest
	@EnumSource(TokenRequestFormat.class)
	void acceptsJson(TokenRequestFormat format) {
		password(format);
		assertThat(tokenRequests().get(0).getHeader("Accept")).isEqualTo(MediaType.APPLICATION_JSON_VALUE);
	}

	private OAuth2AccessTokenResponse password(TokenRequestFormat format) {
		return respond(format, false, new PasswordGrantRequest(registration(null, null), USERNAME, PASSWORD));
	}

	private OAuth2AccessTokenResponse respond(TokenRequestFormat format, boolean audience,
			AbstractOAuth2AuthorizationGrantRequest request) {
		PosTokenResponseClient client = new PosTokenResponseClient(WebClient.create(), format,
				audience ? AUDIENCE : null);
		return client.getTokenResponse(request).block(TIMEOUT);
	}

	private static ClientRegistration registration(String secret, String scope) {
		ClientRegistration.Builder builder = ClientRegistration.withRegistrationId("pos")
			.clientId(CLIENT_ID)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(sandbox().tokenUri());
		if (secret != null) {
			builder.clientSecret(secret);
		}
		if (scope != null) {
			builder.scope(scope);
		}
		return builder.build();
	}

	static void assertSingleRequest(TokenRequestFormat format, Map<String, Object> expected) {
		List<LoggedRequest> requests = tokenRequests();
		assertThat(requests).hasSize(1);
		LoggedRequest request = requests.get(0);
		MediaType contentType = MediaType.parseMediaType(request.getHeader("Content-Type"));
		if (format == TokenRequestFormat.JSON) {
			assertThat(contentType.isCompatibleWith(MediaType.APPLICATION_JSON)).as(contentType.toString()).isTrue();
			assertThat(jsonBody(request)).isEqualTo(expected);
		}
		else {
			assertThat(contentType.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)).as(contentType.toString())
				.isTrue();
			assertThat(formBody(request)).isEqualTo(expected);
		}
	}

	private static List<LoggedRequest> tokenRequests() {
		return sandbox().tokenRequestEvents().stream().map(ServeEvent::getRequest).toList();
	}

	/** The body of a JSON request, exactly as sent. */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> jsonBody(LoggedRequest request) {
		return JSON.readValue(request.getBodyAsString(), LinkedHashMap.class);
	}

	/** The fields of a form request, exactly as sent; fails on a repeated field. */
	private static Map<String, String> formBody(LoggedRequest request) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String pair : request.getBodyAsString().split("&")) {
			int eq = pair.indexOf('=');
			String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
			String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
			assertThat(fields.put(name, value)).as("form field '%s' is repeated", name).isNull();
		}
		return fields;
	}

}
