package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.autoconfigure.PosAuthMetricsAutoConfiguration;
import com.chimpy.pos.auth.observation.PosAuthMeterBinder;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Auth0's rate limit headers on token responses (hardening item 7): a 429 with
 * {@code X-RateLimit-Reset} (UNIX seconds) and no {@code Retry-After} holds the next
 * token request back until the reset; with both headers the later of the two wins; a
 * reset in the past or more than 24 hours ahead falls back to the plain outage backoff.
 * {@code X-RateLimit-Remaining} of any token response, success or failure, is the gauge
 * {@code pos.auth.rate.limit.remaining} (NaN until one was seen).
 * <p>
 * Every token request is read from the sandbox's journal; "no request before the reset"
 * is checked against the journal's time stamps with a tolerance of
 * {@value #TOLERANCE_MILLIS} ms. The outage backoff is 100 ms, so without the headers
 * being honoured the second request would follow the first within a few hundred
 * milliseconds.
 */
class RateLimitHeadersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final long TOLERANCE_MILLIS = 100;

	private static final String GAUGE = "pos.auth.rate.limit.remaining";

	private static final String TOO_MANY_REQUESTS = "{\"error\":\"too_many_requests\","
			+ "\"error_description\":\"Global limit has been reached\"}";

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	private static ApplicationContextRunner runner(String... more) {
		return PosSandboxFixture.contextRunner()
			.withConfiguration(AutoConfigurations.of(PosAuthMetricsAutoConfiguration.class))
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.retry-backoff=100ms",
					"pos.auth.max-retry-backoff=100ms", "pos.auth.max-wait=1s"))
			.withPropertyValues(more);
	}

	private static Fault tooManyRequests() {
		return Fault.json(429, TOO_MANY_REQUESTS);
	}

	@Test
	void noTokenRequestBeforeTheRateLimitReset() {
		long reset = Instant.now().getEpochSecond() + 3;
		scriptPasswordGrants(tooManyRequests().withHeader("X-RateLimit-Reset", Long.toString(reset)),
				Fault.tokenAnswer("access-1", 3600, null));
		runner().run((context) -> {
			PosTokenState state = context.getBean(PosTokenState.class);
			String accessToken = tokenOnceAvailable(state);
			assertThat(accessToken).isEqualTo("access-1");
			List<ServeEvent> requests = PosSandboxFixture.settledTokenRequests(sandbox());
			assertThat(requests.size()).as("one 429, then one request that gets the token").isEqualTo(2);
			assertThat(requests.get(1).getRequest().getLoggedDate().getTime())
				.as("second token request (first at %s) not before X-RateLimit-Reset %s",
						requests.get(0).getRequest().getLoggedDate().getTime(), reset * 1000)
				.isGreaterThanOrEqualTo(reset * 1000 - TOLERANCE_MILLIS);
		});
	}

	@Test
	void rateLimitResetLaterThanRetryAfterWins() {
		long reset = Instant.now().getEpochSecond() + 3;
		scriptPasswordGrants(
				tooManyRequests().withHeader("Retry-After", "1").withHeader("X-RateLimit-Reset", Long.toString(reset)),
				Fault.tokenAnswer("access-1", 3600, null));
		runner().run((context) -> {
			assertThat(tokenOnceAvailable(context.getBean(PosTokenState.class))).isEqualTo("access-1");
			List<ServeEvent> requests = PosSandboxFixture.settledTokenRequests(sandbox());
			assertThat(requests.size()).isEqualTo(2);
			assertThat(requests.get(1).getRequest().getLoggedDate().getTime())
				.as("second token request not before X-RateLimit-Reset %s (Retry-After was 1 s)", reset * 1000)
				.isGreaterThanOrEqualTo(reset * 1000 - TOLERANCE_MILLIS);
		});
	}

	@Test
	void retryAfterLaterThanRateLimitResetWins() {
		long reset = Instant.now().getEpochSecond() + 1;
		scriptPasswordGrants(
				tooManyRequests().withHeader("Retry-After", "3").withHeader("X-RateLimit-Reset", Long.toString(reset)),
				Fault.tokenAnswer("access-1", 3600, null));
		runner().run((context) -> {
			assertThat(tokenOnceAvailable(context.getBean(PosTokenState.class))).isEqualTo("access-1");
			List<ServeEvent> requests = PosSandboxFixture.settledTokenRequests(sandbox());
			assertThat(requests.size()).isEqualTo(2);
			long first = requests.get(0).getRequest().getLoggedDate().getTime();
			assertThat(requests.get(1).getRequest().getLoggedDate().getTime())
				.as("second token request not before Retry-After (3 s after %s)", first)
				.isGreaterThanOrEqualTo(first + 3000 - TOLERANCE_MILLIS);
		});
	}

	/**
	 * A reset in the past, or more than 24 hours ahead (a value in milliseconds, or
	 * garbage), is ignored: the plain backoff of 100 ms applies, so the caller, who waits
	 * up to {@code max-wait} (1 s), gets the token of the second request. Honouring such
	 * a reset would make the caller fail.
	 */
	@ParameterizedTest(name = "X-RateLimit-Reset {0}")
	@ValueSource(strings = { "100 s ago", "25 h ahead", "in milliseconds", "not a number" })
	void implausibleResetFallsBackToThePlainBackoff(String which) {
		long now = Instant.now().getEpochSecond();
		String reset = switch (which) {
			case "100 s ago" -> Long.toString(now - 100);
			case "25 h ahead" -> Long.toString(now + Duration.ofHours(25).toSeconds());
			case "in milliseconds" -> Long.toString((now + 3) * 1000);
			default -> "soon";
		};
		scriptPasswordGrants(tooManyRequests().withHeader("X-RateLimit-Reset", reset),
				Fault.tokenAnswer("access-1", 3600, null));
		runner().run((context) -> {
			PosTokenState state = context.getBean(PosTokenState.class);
			assertThat(state.authorizedClient().block(TIMEOUT).getAccessToken().getTokenValue()).isEqualTo("access-1");
			assertThat(PosSandboxFixture.settledTokenRequests(sandbox()).size()).isEqualTo(2);
		});
	}

	@Test
	void remainingIsNaNUntilSeenThenTakenFromATokenAnswer() {
		sandbox().tokenEndpoint()
			.failAlways(Fault.tokenAnswer("access-1", 3600, null).withHeader("X-RateLimit-Remaining", "42"));
		runner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PosAuthMeterBinder.class));
			Gauge gauge = registry.find(GAUGE).gauge();
			assertThat(gauge).as(GAUGE).isNotNull();
			assertThat(gauge.value()).as("before any token response").isNaN();
			context.getBean(PosTokenState.class).authorizedClient().block(TIMEOUT);
			assertThat(gauge.value()).isEqualTo(42.0);
			assertThat(sandbox().tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void remainingIsTakenFromFailedAnswersToo() {
		// Remaining 5 on the answer with a 1 s token; its renewal after expiry is
		// answered 429 with Remaining 0
		// (and a Retry-After beyond max-wait, so the caller fails at once).
		scriptPasswordGrants(Fault.tokenAnswer("access-1", 1, null).withHeader("X-RateLimit-Remaining", "5"),
				tooManyRequests().withHeader("X-RateLimit-Remaining", "0").withHeader("Retry-After", "60"));
		runner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PosAuthMeterBinder.class));
			PosTokenState state = context.getBean(PosTokenState.class);
			state.authorizedClient().block(TIMEOUT);
			assertThat(registry.find(GAUGE).gauge()).as(GAUGE).isNotNull();
			assertThat(registry.find(GAUGE).gauge().value()).isEqualTo(5.0);
			// the 1 s token expires; its renewal gets the 429, and as Retry-After lies
			// beyond max-wait, the first call that needs a new token fails at once
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> failsToGetAToken(state));
			assertThat(PosSandboxFixture.settledTokenRequests(sandbox()).size()).isEqualTo(2);
			assertThat(registry.find(GAUGE).gauge().value()).as("taken from the 429").isEqualTo(0.0);
		});
	}

	@Test
	void remainingIsTakenFromAnOAuth2ErrorAnswer() {
		sandbox().tokenEndpoint()
			.failAlways(Fault.oauthError(403, "invalid_grant", "Wrong email or password.")
				.withHeader("X-RateLimit-Remaining", "7"));
		runner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PosAuthMeterBinder.class));
			assertThatExceptionOfType(ClientAuthorizationException.class)
				.isThrownBy(() -> context.getBean(PosTokenState.class).authorizedClient().block(TIMEOUT));
			assertThat(registry.find(GAUGE).gauge()).as(GAUGE).isNotNull();
			assertThat(registry.find(GAUGE).gauge().value()).isEqualTo(7.0);
		});
	}

	/**
	 * The next token requests get these answers in order; the last one repeats.
	 */
	private static void scriptPasswordGrants(Fault... answers) {
		for (int i = 0; i < answers.length - 1; i++) {
			sandbox().tokenEndpoint().failNext(1, answers[i]);
		}
		sandbox().tokenEndpoint().failAlways(answers[answers.length - 1]);
	}

	private static boolean failsToGetAToken(PosTokenState state) {
		try {
			state.authorizedClient().block(TIMEOUT);
			return false;
		}
		catch (ClientAuthorizationException ex) {
			return true;
		}
	}

	private static MeterRegistry bind(PosAuthMeterBinder binder) {
		MeterRegistry registry = new SimpleMeterRegistry();
		binder.bindTo(registry);
		return registry;
	}

	/**
	 * Calls every 100 ms (each call bounded) until one gets a token, for at most 10 s;
	 * failed calls in between are expected (the caller may give up at once when the next
	 * attempt lies beyond {@code max-wait}).
	 */
	private static String tokenOnceAvailable(PosTokenState state) {
		String[] value = new String[1];
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptionsInstanceOf(ClientAuthorizationException.class)
			.untilAsserted(() -> {
				value[0] = state.authorizedClient().block(Duration.ofSeconds(5)).getAccessToken().getTokenValue();
				assertThat(value[0]).isNotNull();
			});
		return value[0];
	}

}
