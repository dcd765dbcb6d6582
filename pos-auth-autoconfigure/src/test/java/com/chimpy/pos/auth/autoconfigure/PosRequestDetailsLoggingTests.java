package com.chimpy.pos.auth.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.TraceLoggers;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.webclient.PosBearerExchangeFilterFunction;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static com.chimpy.pos.auth.PosSandboxFixture.grantTypes;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bearer token stays out of Spring's request-details logging: with Boot's
 * {@code spring.http.codecs.log-request-details=true} and Spring's web client loggers at
 * TRACE, Spring's {@code ExchangeFunctions} prints every request's headers, so a
 * {@code WebClient} that adds the {@code Authorization} header in a filter would print
 * the token. {@code posWebClient} has request details switched off for its own codecs
 * only (its requests are logged with {@code headers={masked}}), the application's other
 * {@code WebClient}s keep the setting, and Spring's {@code RestClient} never logs request
 * headers. Every test checks that the request lines it looks for were really logged, so
 * none can pass because nothing was.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosRequestDetailsLoggingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final List<String> TRACE_LOGGERS = List.of("org.springframework.web.reactive.function.client",
			"org.springframework.web.client", "org.springframework.http", "org.springframework.core.codec");

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	@RegisterExtension
	final TraceLoggers traceLoggers = new TraceLoggers(TRACE_LOGGERS);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CodecsAutoConfiguration.class, WebClientAutoConfiguration.class,
				RestClientAutoConfiguration.class, PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class,
				PosRestClientAutoConfiguration.class))
		.withPropertyValues(PosSandboxFixture.properties(sandbox(), "spring.http.codecs.log-request-details=true",
				"pos.auth.scope=orders"));

	private static PosSandbox sandbox() {
		return extension.sandbox();
	}

	/**
	 * The first API request is answered 401, so that pos-auth renews its token (no
	 * refresh token: a second password grant) and replays the request.
	 */
	@BeforeEach
	void firstApiRequestUnauthorized() {
		sandbox().api().failNext(1, Fault.status(401));
	}

	/** The access tokens the sandbox issued, none of which may be logged. */
	private static String[] issuedTokens() {
		List<String> tokens = issuedAccessTokens(sandbox());
		assertThat(tokens).isNotEmpty();
		return tokens.toArray(String[]::new);
	}

	private static String storesUrl() {
		return sandbox().apiBaseUrl() + "/stores";
	}

	@Test
	void posWebClientRequestsAreLoggedWithoutTheirHeaders(CapturedOutput output) {
		this.runner.run((context) -> {
			WebClient posWebClient = context.getBean("posWebClient", WebClient.class);
			String body = posWebClient.get().uri("/stores").retrieve().bodyToMono(String.class).block(TIMEOUT);
			assertThat(body).contains("simulated");
		});
		assertThat(grantTypes(sandbox())).as("the 401 was answered by a renewal")
			.containsExactly("password", "password");
		assertThat(output).as("both requests, the first and its replay after the 401, were logged at TRACE")
			.containsSubsequence("HTTP GET " + storesUrl() + ", headers={masked}", "Response 401",
					"HTTP GET " + storesUrl() + ", headers={masked}", "Response 200");
		assertThat(issuedTokens()).hasSize(2).allSatisfy((token) -> assertThat(output).doesNotContain(token));
	}

	@Test
	void posWebClientCustomizerCannotSwitchRequestDetailsBackOn(CapturedOutput output) {
		PosWebClientCustomizer requestDetails = (builder) -> builder
			.codecs((codecs) -> codecs.defaultCodecs().enableLoggingRequestDetails(true));
		this.runner.withBean(PosWebClientCustomizer.class, () -> requestDetails)
			.run((context) -> context.getBean("posWebClient", WebClient.class)
				.get()
				.uri("/stores")
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT));
		assertThat(output).contains("HTTP GET " + storesUrl() + ", headers={masked}");
		assertThat(issuedTokens()).allSatisfy((token) -> assertThat(output).doesNotContain(token));
	}

	@Test
	void applicationWebClientsKeepLoggingRequestDetails(CapturedOutput output) {
		this.runner.run((context) -> {
			context.getBean("posWebClient", WebClient.class);
			WebClient own = context.getBean(WebClient.Builder.class).build();
			own.get().uri(sandbox().jwksUri()).header("X-Till", "till-7").retrieve().toBodilessEntity().block(TIMEOUT);
		});
		assertThat(output).contains("HTTP GET " + sandbox().jwksUri() + ", headers=[").contains("X-Till:\"till-7\"");
	}

	@Test
	void bearerFilterWithoutPosWebClientsCodecSettingWouldLogTheToken(CapturedOutput output) {
		this.runner.run((context) -> {
			WebClient unguarded = context.getBean(WebClient.Builder.class)
				.filter(new PosBearerExchangeFilterFunction(context.getBean(PosTokenState.class),
						URI.create(sandbox().apiBaseUrl())))
				.build();
			unguarded.get().uri(storesUrl()).retrieve().toBodilessEntity().block(TIMEOUT);
		});
		assertThat(output).as("what posWebClient's own codec setting prevents")
			.contains("HTTP GET " + storesUrl() + ", headers=[")
			.contains("Authorization:\"Bearer " + issuedTokens()[0] + "\"");
	}

	@Test
	void posRestClientNeverLogsRequestHeaders(CapturedOutput output) {
		this.runner.run((context) -> {
			RestClient posRestClient = context.getBean("posRestClient", RestClient.class);
			String body = posRestClient.get().uri("/stores").retrieve().body(String.class);
			assertThat(body).contains("simulated");
		});
		assertThat(grantTypes(sandbox())).containsExactly("password", "password");
		assertThat(output).as("Spring's RestClient logged the call").contains("Reading to [java.lang.String]");
		assertThat(issuedTokens()).hasSize(2).allSatisfy((token) -> assertThat(output).doesNotContain(token));
	}

}
