package com.chimpy.pos.auth.autoconfigure;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Start-up fails, naming the property, when a required {@code pos.*} property is missing
 * or a URL would send credentials or tokens in clear text;
 * {@link InvalidPosPropertyFailureAnalyzer} turns that into Boot's report.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosPropertiesValidationTests {

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	private final ApplicationContextRunner runner = PosSandboxFixture.contextRunner();

	@ParameterizedTest
	@ValueSource(strings = { "pos.auth.token-uri", "pos.auth.client-id", "pos.auth.username", "pos.auth.password",
			"pos.api.base-url" })
	void missingRequiredPropertyFailsStartUp(String property) {
		String[] properties = Arrays.stream(PosSandboxFixture.properties(sandbox()))
			.filter((pair) -> !pair.startsWith(property + "="))
			.toArray(String[]::new);
		assertThat(properties).hasSize(PosSandboxFixture.properties(sandbox()).length - 1);
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			InvalidPosPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo(property);
			assertThat(ex).hasMessageContaining("'" + property + "'").hasMessageContaining("not set");
			FailureAnalysis analysis = new InvalidPosPropertyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'" + property + "'").contains("not set");
			assertThat(analysis.getAction()).startsWith("Set " + property + " to ");
			assertThat(analysis.getCause()).isSameAs(ex);
		});
	}

	@ParameterizedTest
	@CsvSource({ "pos.auth.token-uri, http://auth.example.com/oauth/token",
			"pos.api.base-url, http://pos.example.com/api/v2", "pos.auth.token-uri, http://10.0.0.7:8080/oauth/token",
			"pos.api.base-url, http://128.0.0.1/api/v2" })
	void plainHttpToANonLoopbackHostFailsStartUp(String property, String url) {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox(), property + "=" + url)).run((context) -> {
			assertThat(context).hasFailed();
			InvalidPosPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getProperty()).isEqualTo(property);
			assertThat(ex).hasMessageContaining("'" + property + "'").hasMessageContaining(url);
			FailureAnalysis analysis = new InvalidPosPropertyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'" + property + "'").contains("clear text");
			assertThat(analysis.getAction()).contains("https").contains("loopback");
		});
	}

	@ParameterizedTest
	@CsvSource({ "pos.auth.token-uri, ftp://auth.example.com/oauth/token", "pos.api.base-url, pos.example.com/api",
			"pos.api.base-url, 'https://pos example.com/'" })
	void urlThatIsNotAbsoluteHttpFailsStartUp(String property, String url) {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox(), property + "=" + url)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(invalidProperty(context.getStartupFailure()).getProperty()).isEqualTo(property);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://localhost:8080", "http://127.0.0.1:8080", "http://127.10.20.30",
			"http://[::1]:8080", "https://auth.example.com", "HTTPS://AUTH.EXAMPLE.COM" })
	void httpsAndLoopbackUrlsAreAccepted(String origin) {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox(),
				"pos.auth.token-uri=" + origin + "/oauth/token", "pos.api.base-url=" + origin + "/api/v2"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(PosTokenState.class).hasBean("posWebClient");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "pos.auth.ssl-bundle", "pos.api.ssl-bundle" })
	void unknownSslBundleFailsStartUp(String property) {
		this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues(PosSandboxFixture.properties(sandbox(), property + "=missing"))
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidPosPropertyException ex = invalidProperty(context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo(property);
				assertThat(ex.getProblem()).contains("no SSL bundle named 'missing'");
			});
	}

	@Test
	void blankRequiredPropertyFailsStartUp() {
		this.runner.withPropertyValues(PosSandboxFixture.properties(sandbox(), "pos.auth.client-id=  "))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(invalidProperty(context.getStartupFailure()).getProperty()).isEqualTo("pos.auth.client-id");
			});
	}

	@Test
	void applicationStartUpReportNamesThePropertyAndHidesThePassword(CapturedOutput output) {
		String[] properties = Arrays.stream(PosSandboxFixture.properties(sandbox()))
			.filter((pair) -> !pair.startsWith("pos.auth.client-id="))
			.toArray(String[]::new);
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties(properties);
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The property 'pos.auth.client-id' is invalid: it is not set.")
			.contains("Set pos.auth.client-id to the client id registered with the authorization service")
			.doesNotContain(PosSandboxFixture.PASSWORD);
	}

	private static InvalidPosPropertyException invalidProperty(Throwable failure) {
		Throwable candidate = failure;
		while (candidate != null && !(candidate instanceof InvalidPosPropertyException)) {
			candidate = candidate.getCause();
		}
		assertThat(candidate).as("cause chain of %s", failure).isInstanceOf(InvalidPosPropertyException.class);
		return (InvalidPosPropertyException) candidate;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
