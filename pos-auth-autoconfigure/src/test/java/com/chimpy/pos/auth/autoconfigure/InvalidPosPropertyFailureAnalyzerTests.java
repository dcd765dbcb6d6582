package com.chimpy.pos.auth.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every {@link InvalidPosPropertyException} that {@link PosPropertiesValidator} (and the
 * SSL bundle lookup) can raise at start-up goes through
 * {@link InvalidPosPropertyFailureAnalyzer} to a description that names the property and
 * an action; a real {@link SpringApplication} prints Boot's "APPLICATION FAILED TO START"
 * report with them, and an unknown {@code pos.auth.request-format} gets Boot's own
 * binding failure report naming the property.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPosPropertyFailureAnalyzerTests {

	private static final String PASSWORD = "s3cret-Pa55word";

	/** A valid configuration on loopback hosts (plain http is allowed there). */
	private static Map<String, String> valid() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("pos.auth.token-uri", "http://127.0.0.1:9/oauth/token");
		properties.put("pos.auth.client-id", "client");
		properties.put("pos.auth.username", "cashier");
		properties.put("pos.auth.password", PASSWORD);
		properties.put("pos.api.base-url", "http://localhost:9/api/v2");
		return properties;
	}

	private static ApplicationContextRunner runner(Map<String, String> properties) {
		List<String> pairs = new ArrayList<>();
		properties.forEach((name, value) -> pairs.add(name + "=" + value));
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, WebClientAutoConfiguration.class,
					PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class))
			.withPropertyValues(pairs.toArray(String[]::new));
	}

	/**
	 * The valid configuration with {@code name} removed ({@code value == null}) or set to
	 * {@code value}.
	 */
	private static Map<String, String> with(String name, String value) {
		Map<String, String> properties = valid();
		if (value == null) {
			properties.remove(name);
		}
		else {
			properties.put(name, value);
		}
		return properties;
	}

	static Stream<Arguments> mistakes() {
		List<Arguments> mistakes = new ArrayList<>();
		for (String required : List.of("pos.auth.token-uri", "pos.auth.client-id", "pos.auth.username",
				"pos.auth.password", "pos.api.base-url")) {
			mistakes.add(Arguments.of(required + " missing", with(required, null), required, "is not set"));
			mistakes.add(Arguments.of(required + " blank", with(required, " "), required, "is not set"));
		}
		for (String url : List.of("pos.auth.token-uri", "pos.api.base-url")) {
			mistakes.add(Arguments.of(url + " with a space", with(url, "https://exa mple.com/x"), url,
					"is not a valid URL"));
			mistakes.add(Arguments.of(url + " without scheme", with(url, "auth.example.com/x"), url,
					"is not an absolute http(s) URL"));
			mistakes.add(Arguments.of(url + " ftp", with(url, "ftp://auth.example.com/x"), url,
					"is not an absolute http(s) URL"));
			mistakes.add(Arguments.of(url + " without host", with(url, "https:///x"), url,
					"is not an absolute http(s) URL"));
			mistakes.add(Arguments.of(url + " http on a remote host", with(url, "http://auth.example.com/x"), url,
					"uses http"));
			mistakes.add(Arguments.of(url + " http on a look-alike of localhost",
					with(url, "http://localhost.example.com/x"), url, "uses http"));
			mistakes.add(Arguments.of(url + " http on a look-alike of 127.0.0.1",
					with(url, "http://127.0.0.1.nip.io/x"), url, "uses http"));
		}
		for (String duration : List.of("pos.auth.connect-timeout", "pos.auth.read-timeout", "pos.auth.refresh-ahead",
				"pos.auth.expiry-margin", "pos.auth.max-wait", "pos.auth.request-timeout", "pos.auth.retry-backoff",
				"pos.auth.max-retry-backoff", "pos.auth.rejection-backoff", "pos.api.connect-timeout",
				"pos.api.read-timeout")) {
			mistakes.add(Arguments.of(duration + " zero", with(duration, "0s"), duration, "positive duration"));
			mistakes.add(Arguments.of(duration + " negative", with(duration, "-5s"), duration, "positive duration"));
		}
		Map<String, String> refreshAhead = valid();
		refreshAhead.put("pos.auth.refresh-ahead", "10s");
		refreshAhead.put("pos.auth.expiry-margin", "20s");
		mistakes.add(Arguments.of("refresh-ahead below expiry-margin", refreshAhead, "pos.auth.refresh-ahead",
				"shorter than pos.auth.expiry-margin"));
		Map<String, String> backoff = valid();
		backoff.put("pos.auth.retry-backoff", "10s");
		backoff.put("pos.auth.max-retry-backoff", "5s");
		mistakes.add(Arguments.of("max-retry-backoff below retry-backoff", backoff, "pos.auth.max-retry-backoff",
				"shorter than pos.auth.retry-backoff"));
		mistakes.add(Arguments.of("no credential rejection allowed", with("pos.auth.max-credential-rejections", "0"),
				"pos.auth.max-credential-rejections", "must be at least 1"));
		mistakes.add(Arguments.of("unknown token endpoint SSL bundle", with("pos.auth.ssl-bundle", "nope"),
				"pos.auth.ssl-bundle", "no SSL bundle named 'nope'"));
		mistakes.add(Arguments.of("unknown API SSL bundle", with("pos.api.ssl-bundle", "nope"), "pos.api.ssl-bundle",
				"no SSL bundle named 'nope'"));
		return mistakes.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("mistakes")
	void mistakeIsAnalyzedNamingThePropertyAndTheFix(String mistake, Map<String, String> properties, String property,
			String problem) {
		runner(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			FailureAnalysis analysis = new InvalidPosPropertyFailureAnalyzer().analyze(failure);
			assertThat(analysis).as("analysis of %s", failure).isNotNull();
			assertThat(analysis.getDescription()).startsWith("The property '" + property + "' is invalid")
				.contains(problem);
			assertThat(analysis.getAction()).isNotBlank();
			if (!problem.equals("uses http")) {
				assertThat(analysis.getAction()).contains(property);
			}
			else {
				assertThat(analysis.getAction()).contains("https").contains("loopback");
			}
			assertThat(analysis.getCause()).isInstanceOf(InvalidPosPropertyException.class);
			assertThat(((InvalidPosPropertyException) analysis.getCause()).getProperty()).isEqualTo(property);
			assertThat(analysis.getDescription() + analysis.getAction() + failure).doesNotContain(PASSWORD);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://localhost:8080/x", "http://LOCALHOST/x", "http://127.0.0.1/x",
			"http://127.255.0.9:1/x", "http://[::1]:8080/x", "https://auth.example.com/x" })
	void loopbackHostsMayUseHttp(String url) {
		Map<String, String> properties = valid();
		properties.put("pos.auth.token-uri", url);
		properties.put("pos.api.base-url", url);
		runner(properties).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void credentialsInAUrlDoNotReachTheReport() {
		runner(with("pos.auth.token-uri", "http://user:hunter2@auth.example.com/oauth/token")).run((context) -> {
			FailureAnalysis analysis = new InvalidPosPropertyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("pos.auth.token-uri").contains("auth.example.com");
			assertThat(analysis.getDescription() + analysis.getAction() + context.getStartupFailure())
				.doesNotContain("hunter2");
		});
	}

	@Test
	void otherFailuresAreLeftToOtherAnalyzers() {
		assertThat(new InvalidPosPropertyFailureAnalyzer().analyze(new IllegalStateException("unrelated"))).isNull();
	}

	@Test
	void applicationPrintsBootsReport(CapturedOutput output) {
		SpringApplication application = new SpringApplication(PosApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--pos.auth.token-uri=http://auth.example.com/token",
				"--pos.auth.client-id=client", "--pos.auth.username=cashier", "--pos.auth.password=" + PASSWORD,
				"--pos.api.base-url=https://pos.example.com/api/v2"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Description:")
			.contains("The property 'pos.auth.token-uri' is invalid: 'http://auth.example.com/token' uses http")
			.contains("Action:")
			.contains("Use an https URL such as https://auth.example.com/oauth/token")
			.doesNotContain(PASSWORD);
	}

	@Test
	void missingPropertyPrintsBootsReport(CapturedOutput output) {
		SpringApplication application = new SpringApplication(PosApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--pos.api.base-url=https://pos.example.com/api/v2"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The property 'pos.auth.token-uri' is invalid: it is not set.")
			.contains("Set pos.auth.token-uri to a URL such as https://auth.example.com/oauth/token");
	}

	@Test
	void unknownRequestFormatGetsBootsBindingReport(CapturedOutput output) {
		SpringApplication application = new SpringApplication(PosApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--pos.auth.token-uri=https://auth.example.com/token",
				"--pos.auth.client-id=client", "--pos.auth.username=cashier", "--pos.auth.password=" + PASSWORD,
				"--pos.api.base-url=https://pos.example.com/api/v2", "--pos.auth.request-format=xml"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("pos.auth.request-format")
			.contains("xml")
			.contains("Action:")
			.containsIgnoringCase("json")
			.containsIgnoringCase("form")
			.doesNotContain(PASSWORD);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, WebClientAutoConfiguration.class,
			PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class })
	static class PosApplication {

	}

}
