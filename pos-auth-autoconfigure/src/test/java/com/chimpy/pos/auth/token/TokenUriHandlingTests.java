package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.test.RefusingPort;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.client.ClientAuthorizationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The configured token URI in messages, logs and on the wire (hardening item 6). A token
 * URI with user information and a query
 * ({@code http://user:pw@127.0.0.1:PORT/oauth/token?x=secret}) pointing at a refusing
 * port: the caller learns that the endpoint "could not be reached", but neither the
 * password of the user information nor the query value shows up in the exception or in
 * anything logged (pos-auth's loggers at DEBUG, captured with
 * {@link OutputCaptureExtension}). A percent-encoded token URI reaches the server exactly
 * as written (the journal's URL), not encoded a second time.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenUriHandlingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String USER_INFO_PASSWORD = "pw-in-the-uri-4711";

	private static final String QUERY_SECRET = "secret-in-the-query-0815";

	private static final String CAPTURE_CHECK = "output capture check";

	private static final List<String> DEBUG_LOGGERS = List.of("com.chimpy");

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	private final LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());

	private final Map<String, LogLevel> previousLevels = new LinkedHashMap<>();

	@BeforeEach
	void debugPosAuth() {
		for (String logger : DEBUG_LOGGERS) {
			LoggerConfiguration configuration = this.loggingSystem.getLoggerConfiguration(logger);
			this.previousLevels.put(logger, (configuration != null) ? configuration.getConfiguredLevel() : null);
			this.loggingSystem.setLogLevel(logger, LogLevel.DEBUG);
		}
	}

	@AfterEach
	void restoreLevels() {
		this.previousLevels.forEach(this.loggingSystem::setLogLevel);
	}

	@Test
	void userInfoAndQueryOfAnUnreachableTokenUriNeverShow(CapturedOutput output) {
		// proves that what pos-auth's token package logs at DEBUG is in the captured
		// output
		LogFactory.getLog(PosTokenState.class).debug(CAPTURE_CHECK);
		try (RefusingPort refusing = RefusingPort.open()) {
			String tokenUri = "http://pos-user:" + USER_INFO_PASSWORD + "@127.0.0.1:" + refusing.port()
					+ "/oauth/token?x=" + QUERY_SECRET;
			callUnreachable(tokenUri);
		}
		assertThat(output.getAll()).as("captured output").contains(CAPTURE_CHECK);
		assertThat(output.getAll()).as("captured output")
			.doesNotContain(USER_INFO_PASSWORD)
			.doesNotContain(QUERY_SECRET);
	}

	private static void callUnreachable(String tokenUri) {
		PosSandboxFixture.contextRunner()
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.token-uri=" + tokenUri,
					"pos.auth.max-wait=500ms", "pos.auth.retry-backoff=100ms", "pos.auth.max-retry-backoff=100ms",
					"pos.auth.connect-timeout=1s"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PosTokenState state = context.getBean(PosTokenState.class);
				assertThatExceptionOfType(ClientAuthorizationException.class)
					.isThrownBy(() -> state.authorizedClient().block(TIMEOUT))
					.satisfies((ex) -> {
						assertThat(ex.getMessage()).contains("could not be reached");
						for (String text : new String[] { ex.getMessage(), ex.toString(),
								String.valueOf(ex.getError().getDescription()) }) {
							assertThat(text).doesNotContain(USER_INFO_PASSWORD).doesNotContain(QUERY_SECRET);
						}
					});
				assertThat(state.toString()).doesNotContain(USER_INFO_PASSWORD).doesNotContain(QUERY_SECRET);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oauth/to%20ken", "/oauth/token%2Fv2", "/oauth/token?audience=a%2Fb%20c" })
	void percentEncodedTokenUriReachesTheServerAsWritten(String pathAndQuery) {
		String tokenUri = sandbox().tokenUri().replace("/oauth/token", pathAndQuery);
		PosSandboxFixture.contextRunner()
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.token-uri=" + tokenUri,
					"pos.auth.retry-backoff=10s", "pos.auth.max-retry-backoff=10s"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// the sandbox answers 404 on other paths than /oauth/token: only the URL
				// on the wire matters here
				context.getBean(PosTokenState.class).authorizedClient().onErrorComplete().block(TIMEOUT);
				List<ServeEvent> served = PosSandboxFixture.settled(sandbox()::requestEvents);
				assertThat(served.size()).isEqualTo(1);
				assertThat(served.get(0).getRequest().getUrl()).isEqualTo(pathAndQuery);
			});
	}

}
