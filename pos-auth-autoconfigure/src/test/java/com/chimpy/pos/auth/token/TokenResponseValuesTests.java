package com.chimpy.pos.auth.token;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Whatever values a 2xx token answer carries, callers get an answer (hardening item 5,
 * first two points).
 * <ul>
 * <li>{@code expires_in} out of range, as a string, zero, negative or missing: a token is
 * used; its lifetime is at most 24 hours; when {@code expires_in} is missing, zero or
 * negative, the {@code exp} claim of a JWT access token gives the expiry, else 60
 * seconds.</li>
 * <li>A body that is not JSON, a JSON array, a body over 256 KB, an {@code access_token}
 * that is not a string, a non-numeric {@code expires_in}: {@code invalid_token_response}
 * (observed as {@code unexpected_response}), and the message never says the endpoint
 * "could not be reached".</li>
 * </ul>
 * The token state is the auto-configured one; expiries are read from
 * {@link PosTokenState#getExpiresAt()} against the wall clock before and after the call,
 * with a slack of {@value #SLACK_SECONDS} s.
 */
class TokenResponseValuesTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final long SLACK_SECONDS = 5;

	private static final Duration DAY = Duration.ofHours(24);

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	/** How long a token must be used for. */
	enum Lifetime {

		/**
		 * At most 24 hours (and not much less: the value is clamped, not thrown away).
		 */
		CLAMPED_TO_A_DAY,

		/** 3600 s. */
		AN_HOUR,

		/** The {@code exp} claim of the JWT: 120 s from now. */
		JWT_EXP,

		/** The default of 60 s. */
		A_MINUTE

	}

	enum ExpiresIn {

		LONG_MAX("9223372036854775807", false, Lifetime.CLAMPED_TO_A_DAY),

		HUGE_DOUBLE("1e30", false, Lifetime.CLAMPED_TO_A_DAY),

		THREE_YEARS("100000000", false, Lifetime.CLAMPED_TO_A_DAY),

		HUGE_STRING("\"99999999999999999999999\"", false, Lifetime.CLAMPED_TO_A_DAY),

		STRING_OF_DIGITS("\"3600\"", false, Lifetime.AN_HOUR),

		ZERO("0", false, Lifetime.A_MINUTE),

		NEGATIVE("-5", false, Lifetime.A_MINUTE),

		MISSING(null, false, Lifetime.A_MINUTE),

		MISSING_WITH_JWT(null, true, Lifetime.JWT_EXP),

		ZERO_WITH_JWT("0", true, Lifetime.JWT_EXP);

		private final String json;

		private final boolean jwt;

		private final Lifetime lifetime;

		ExpiresIn(String json, boolean jwt, Lifetime lifetime) {
			this.json = json;
			this.jwt = jwt;
			this.lifetime = lifetime;
		}

	}

	enum BadBody {

		NOT_JSON(ok("text/plain", "access_token=at-1&token_type=Bearer")),

		HTML_PAGE(ok("text/html", "<html><body>Welcome</body></html>")),

		JSON_ARRAY(ok("application/json", "[{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}]")),

		OVER_256_KB(ok("application/json",
				"{\"access_token\":\"at-big\",\"token_type\":\"Bearer\",\"expires_in\":60," + "\"padding\":\""
						+ "x".repeat(300 * 1024) + "\"}")),

		ACCESS_TOKEN_NOT_A_STRING(ok("application/json",
				"{\"access_token\":{\"value\":\"at-1\"},\"token_type\":\"Bearer\",\"expires_in\":60}")),

		ACCESS_TOKEN_A_NUMBER(
				ok("application/json", "{\"access_token\":12345,\"token_type\":\"Bearer\",\"expires_in\":60}")),

		EXPIRES_IN_SOON(ok("application/json",
				"{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":\"soon\"}")),

		EXPIRES_IN_TRUE(
				ok("application/json", "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":true}")),

		EXPIRES_IN_OBJECT(
				ok("application/json", "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":{}}"));

		private final Fault answer;

		BadBody(Fault answer) {
			this.answer = answer;
		}

		private static Fault ok(String contentType, String body) {
			return Fault.answer(200, Map.of("Content-Type", contentType), body);
		}

	}

	private ApplicationContextRunner runner(String... more) {
		return PosSandboxFixture.contextRunner()
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), more));
	}

	@ParameterizedTest
	@EnumSource(ExpiresIn.class)
	void tokenIsUsedWithABoundedLifetime(ExpiresIn expiresIn) {
		long exp = Instant.now().getEpochSecond() + 120;
		String accessToken = expiresIn.jwt ? unsignedJwt(exp) : "opaque-access-token";
		String body = "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\""
				+ ((expiresIn.json != null) ? ",\"expires_in\":" + expiresIn.json : "") + "}";
		sandbox().tokenEndpoint().failAlways(Fault.json(200, body));
		runner().run((context) -> {
			PosTokenState state = context.getBean(PosTokenState.class);
			Instant before = Instant.now();
			OAuth2AuthorizedClient client = state.authorizedClient().block(TIMEOUT);
			Instant after = Instant.now();
			assertThat(client.getAccessToken().getTokenValue()).isEqualTo(accessToken);
			Instant expiresAt = state.getExpiresAt();
			assertThat(expiresAt).isNotNull();
			switch (expiresIn.lifetime) {
				case CLAMPED_TO_A_DAY -> assertThat(expiresAt).as("at most 24 h")
					.isBefore(after.plus(DAY).plusSeconds(SLACK_SECONDS))
					.isAfter(before.plus(DAY).minusSeconds(3600));
				case AN_HOUR -> assertThat(expiresAt).isBetween(before.plusSeconds(3600 - SLACK_SECONDS),
						after.plusSeconds(3600 + SLACK_SECONDS));
				case JWT_EXP -> assertThat(expiresAt).as("the JWT's exp")
					.isBetween(Instant.ofEpochSecond(exp - 2), Instant.ofEpochSecond(exp + 2));
				case A_MINUTE -> assertThat(expiresAt).as("the default of 60 s")
					.isBetween(before.plusSeconds(60 - SLACK_SECONDS), after.plusSeconds(60 + SLACK_SECONDS));
			}
			// the token is reused, not renewed on every call
			state.authorizedClient().block(TIMEOUT);
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
			assertThat(LifecycleFixture.tokenObservations(this.observations)).containsExactly("password/success/none");
		});
	}

	/**
	 * With a {@code retry-backoff} (10 s) beyond {@code max-wait} (4 s, ample for a cold
	 * first request) the caller gets the failure of the one attempt at once.
	 */
	@ParameterizedTest
	@EnumSource(BadBody.class)
	void badBodyIsAnInvalidTokenResponseNeverUnreachable(BadBody bad) {
		sandbox().tokenEndpoint().failAlways(bad.answer);
		runner("pos.auth.retry-backoff=10s", "pos.auth.max-retry-backoff=10s", "pos.auth.max-wait=4s")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> state.authorizedClient().block(TIMEOUT))
					.satisfies((ex) -> {
						assertThat(ex.getError().getErrorCode()).as(ex.getMessage())
							.isEqualTo(PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
						assertThat(ex.getMessage()).doesNotContainIgnoringCase("could not be reached")
							.doesNotContain("at-big")
							.doesNotContain(PosSandboxFixture.PASSWORD);
					});
				assertThat(state.getExpiresAt()).isNull();
				assertThat(sandbox().tokenRequests()).isEqualTo(1);
				assertThat(LifecycleFixture.tokenObservations(this.observations))
					.containsExactly("password/unexpected_response/invalid_token_response");
			});
	}

	/**
	 * An unsigned JWT ({@code alg: none}) whose payload has the given {@code exp}.
	 */
	private static String unsignedJwt(long exp) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String header = encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
		String payload = encoder
			.encodeToString(("{\"sub\":\"till-17\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
		return header + "." + payload + ".c2ln";
	}

}
