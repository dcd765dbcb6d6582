package com.chimpy.pos.auth.token;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.token.TokenEndpointException.Kind;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The token endpoint's answers read without a server, against a fixed clock: the reader
 * is a pure function of status, headers, body and time.
 */
class TokenResponseReaderTests {

	private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

	private static final String TOKEN_URI = "https://auth.example.com/oauth/token";

	private final TokenResponseReader reader = new TokenResponseReader(Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void expiresInAsAStringOfDigitsIsRead() {
		OAuth2AccessTokenResponse response = read(200, json(),
				"{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":\"3600\"}");
		assertThat(Duration.between(response.getAccessToken().getIssuedAt(), response.getAccessToken().getExpiresAt()))
			.isEqualTo(Duration.ofHours(1));
	}

	@Test
	void absurdLifetimeIsClampedTo24Hours() {
		OAuth2AccessTokenResponse response = read(200, json(),
				"{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":9223372036854775807}");
		assertThat(Duration.between(response.getAccessToken().getIssuedAt(), response.getAccessToken().getExpiresAt()))
			.isEqualTo(Duration.ofHours(24));
	}

	@Test
	void secondsTheAnswerTookAreTakenOffTheLifetime() {
		TokenResponseReader later = new TokenResponseReader(Clock.fixed(NOW.plusMillis(5400), ZoneOffset.UTC));
		OAuth2AccessTokenResponse response = later.read("pos", TOKEN_URI, NOW, HttpStatusCode.valueOf(200), json(),
				"{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}"
					.getBytes(StandardCharsets.UTF_8));
		assertThat(Duration.between(response.getAccessToken().getIssuedAt(), response.getAccessToken().getExpiresAt()))
			.isEqualTo(Duration.ofSeconds(55));
	}

	@Test
	void rateLimitResetIsReadAgainstTheClock() {
		HttpHeaders headers = json();
		headers.set("X-RateLimit-Reset", Long.toString(NOW.plusSeconds(42).getEpochSecond()));
		TokenEndpointException ex = failure(429, headers, "");
		assertThat(ex.getKind()).isEqualTo(Kind.UNAVAILABLE);
		assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(42));
	}

	@Test
	void firewallPageIsAnUnexpectedResponseNotAVerdict() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_HTML);
		TokenEndpointException ex = failure(403, headers, "<html><body>Request blocked</body></html>");
		assertThat(ex.getKind()).isEqualTo(Kind.UNEXPECTED_RESPONSE);
		assertThat(ex.isTransient()).isTrue();
		assertThat(ex.getError().getErrorCode()).isEqualTo(PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
		assertThat(ex.getMessage()).contains("HTTP 403").contains("text/html").doesNotContain("Request blocked");
		assertThat(TokenEndpointException.isCredentialRejection(ex)).isFalse();
	}

	@Test
	void oauth2ErrorIsAVerdict() {
		TokenEndpointException ex = failure(403, json(),
				"{\"error\":\"invalid_grant\",\"error_description\":\"Wrong email or password.\"}");
		assertThat(ex.getKind()).isEqualTo(Kind.REJECTED);
		assertThat(TokenEndpointException.isCredentialRejection(ex)).isTrue();
	}

	@Test
	void redirectNamesTheTargetOriginOnly() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.LOCATION, "http://elsewhere.example:8080/steal?password=secret-1");
		TokenEndpointException ex = failure(307, headers, "");
		assertThat(ex.getKind()).isEqualTo(Kind.UNEXPECTED_RESPONSE);
		assertThat(ex.isTransient()).isFalse();
		assertThat(ex.getMessage()).contains("HTTP 307")
			.contains("http://elsewhere.example:8080")
			.doesNotContain("steal")
			.doesNotContain("secret-1");
	}

	private OAuth2AccessTokenResponse read(int status, HttpHeaders headers, String body) {
		return this.reader.read("pos", TOKEN_URI, NOW, HttpStatusCode.valueOf(status), headers,
				body.getBytes(StandardCharsets.UTF_8));
	}

	private TokenEndpointException failure(int status, HttpHeaders headers, String body) {
		return catchThrowableOfType(TokenEndpointException.class, () -> read(status, headers, body));
	}

	private static HttpHeaders json() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return headers;
	}

}
