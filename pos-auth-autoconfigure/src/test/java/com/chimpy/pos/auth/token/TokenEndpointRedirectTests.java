package com.chimpy.pos.auth.token;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token endpoint answers with a redirect (hardening item 1). The token connector
 * never follows it: credentials go to the configured URI only. The caller fails with
 * {@code invalid_token_response}, whose message names the status and the origin of the
 * {@code Location} but neither its path and query nor a credential; nothing reaches the
 * redirect's target (its journal stays empty, although it would hand out a token). A
 * redirect is not a verdict on the credentials: however many arrive, the credential guard
 * neither counts nor stops, health stays UP without {@code error}, and further attempts
 * are spaced by the outage backoff ({@code retry-backoff}).
 * <p>
 * Everything runs through the auto-configured token state, so the connector under test is
 * the one the application gets. Token requests are read from the two sandboxes' journals.
 */
class TokenEndpointRedirectTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** The query of the redirect's Location: it must never show up in a message. */
	private static final String SECRET_QUERY_VALUE = "q-s3cr3t-of-the-redirect";

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	/** The target of the redirects: a second sandbox, which would answer with a token. */
	@RegisterExtension
	static final PosSandboxExtension target = new PosSandboxExtension();

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	/** Warms up the JVM, see {@link UnexpectedAnswerFixture#warmUp(PosSandbox)}. */
	@BeforeAll
	static void warmUp() {
		UnexpectedAnswerFixture.warmUp(sandbox());
	}

	private ApplicationContextRunner runner(String... more) {
		return UnexpectedAnswerFixture.runner(sandbox(), this.observations, more);
	}

	private static String location() {
		return target.sandbox().tokenUri() + "?token=" + SECRET_QUERY_VALUE;
	}

	private static String targetOrigin() {
		URI uri = URI.create(target.sandbox().tokenUri());
		return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
	}

	private static void redirectWith(int status) {
		sandbox().tokenEndpoint().failAlways(Fault.answer(status, Map.of("Location", location()), ""));
	}

	/**
	 * With a {@code retry-backoff} (10 s) beyond {@code max-wait} (4 s, ample for a cold
	 * first request) the caller gets the failure of the one attempt at once.
	 */
	@ParameterizedTest(name = "HTTP {0}")
	@ValueSource(ints = { 301, 302, 303, 307, 308 })
	void redirectFailsTheCallerAndIsNotFollowed(int status) {
		redirectWith(status);
		runner("pos.auth.retry-backoff=10s", "pos.auth.max-retry-backoff=10s", "pos.auth.max-wait=4s")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> state.authorizedClient().block(TIMEOUT))
					.satisfies((ex) -> {
						assertThat(ex.getError().getErrorCode())
							.isEqualTo(PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
						assertThat(ex.getMessage()).contains("HTTP " + status)
							.contains(targetOrigin())
							.doesNotContain(SECRET_QUERY_VALUE)
							.doesNotContain("?token=")
							.doesNotContain(PosSandboxFixture.PASSWORD);
						assertThat(String.valueOf(ex.getError().getDescription())).doesNotContain(SECRET_QUERY_VALUE)
							.doesNotContain(PosSandboxFixture.PASSWORD);
					});
				assertThat(target.sandbox().requestEvents()).as("requests sent to the redirect's target").isEmpty();
				assertThat(sandbox().tokenRequests()).isEqualTo(1);
				assertThat(state.getExpiresAt()).isNull();
			});
	}

	/**
	 * Calls in a tight loop for 1.5 s against an endpoint that always redirects, with
	 * {@code max-credential-rejections=2}, {@code retry-backoff} 300 ms (not growing) and
	 * {@code max-wait} 250 ms. Then the endpoint answers with a token again.
	 */
	@Test
	void redirectsAreAnOutageNeverACredentialRejection() {
		redirectWith(307);
		runner("pos.auth.retry-backoff=300ms", "pos.auth.max-retry-backoff=300ms", "pos.auth.max-wait=250ms",
				"pos.auth.max-credential-rejections=2", "pos.auth.rejection-backoff=100ms")
			.run((context) -> {
				PosTokenState state = context.getBean(PosTokenState.class);
				List<Object> results = LifecycleFixture.callFor(state, Duration.ofMillis(1500));
				assertThat(results).hasSizeGreaterThan(10);
				assertThat(new LinkedHashSet<>(results)).as("results of all %d calls", results.size())
					.containsExactly(PosTokenResponseClient.INVALID_TOKEN_RESPONSE);
				List<ServeEvent> requests = PosSandboxFixture.settledTokenRequests(sandbox());
				assertThat(requests.size()).as("attempts go on past max-credential-rejections (2)").isGreaterThan(3);
				assertThat(requests.size())
					.as("a tight loop (%d calls) does not send a request per call", results.size())
					.isLessThan(results.size() / 2);
				UnexpectedAnswerFixture.assertPasswordGrantsSpacedBy(requests,
						"spaced by the outage backoff (300 ms, jitter 20%%)", 200);
				assertThat(target.sandbox().requestEvents()).isEmpty();
				UnexpectedAnswerFixture.assertAnOutageNotACredentialVerdict(context, this.observations);

				UnexpectedAnswerFixture.assertRecoversOnceATokenIsIssued(sandbox(), context);
			});
	}

}
