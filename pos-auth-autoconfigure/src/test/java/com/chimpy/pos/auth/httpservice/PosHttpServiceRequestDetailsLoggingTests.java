package com.chimpy.pos.auth.httpservice;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosSandboxFixture;
import com.chimpy.pos.auth.TraceLoggers;
import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosHttpServiceClientAutoConfiguration;
import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.HttpServiceGroup.ClientType;
import org.springframework.web.service.registry.ImportHttpServices;

import static com.chimpy.pos.auth.PosSandboxFixture.grantTypes;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bearer token stays out of Spring's request-details logging for a {@code WebClient}
 * group too: with {@code spring.http.codecs.log-request-details=true} (applied to every
 * group by Spring Boot's {@code WebClientCustomizer}s) and Spring's web client loggers at
 * TRACE, the group {@code pos} logs its requests, the first and the replay after a 401,
 * with {@code headers={masked}}, while another group keeps logging its headers. The test
 * checks that the request lines were really logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class PosHttpServiceRequestDetailsLoggingTests {

	private static final List<String> TRACE_LOGGERS = List.of("org.springframework.web.reactive.function.client",
			"org.springframework.http", "org.springframework.core.codec");

	@RegisterExtension
	static final PosSandboxExtension extension = PosSandboxFixture.sandbox();

	/** The host of the other group: another origin. */
	@RegisterExtension
	static final PosSandboxExtension elsewhere = new PosSandboxExtension(PosSandbox.builder());

	@RegisterExtension
	final TraceLoggers traceLoggers = new TraceLoggers(TRACE_LOGGERS);

	@Test
	void posGroupLogsRequestsWithoutHeadersAndOtherGroupsKeepTheSetting(CapturedOutput output) {
		PosSandbox sandbox = extension.sandbox();
		PosSandbox other = elsewhere.sandbox();
		sandbox.api().failNext(1, Fault.status(401));
		other.api().failAlways(Fault.json(200, "{}"));
		String storesUrl = sandbox.apiBaseUrl() + "/stores";
		String otherBaseUrl = other.apiBaseUrl() + "/other";
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(CodecsAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
							WebClientAutoConfiguration.class, HttpServiceClientPropertiesAutoConfiguration.class,
							ReactiveHttpServiceClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
							PosHttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(Services.class)
			.withPropertyValues(PosSandboxFixture.properties(sandbox, "spring.http.codecs.log-request-details=true",
					"pos.auth.scope=orders", "spring.http.serviceclient.other.base-url=" + otherBaseUrl))
			.run((context) -> {
				assertThat(context.getBean(StoresApi.class).stores()).contains("simulated");
				context.getBean(TillApi.class).till("till-7");
			});
		assertThat(grantTypes(sandbox)).as("the 401 was answered by a renewal").containsExactly("password", "password");
		assertThat(output).as("both requests, the first and its replay after the 401, were logged at TRACE")
			.containsSubsequence("HTTP GET " + storesUrl + ", headers={masked}", "Response 401",
					"HTTP GET " + storesUrl + ", headers={masked}", "Response 200");
		assertThat(issuedAccessTokens(sandbox)).hasSize(2)
			.allSatisfy((token) -> assertThat(output).doesNotContain(token));
		assertThat(other.apiRequests()).as("the other group's call").isEqualTo(1);
		assertThat(output).as("the other group keeps Spring Boot's setting")
			.contains("HTTP GET " + otherBaseUrl + "/till" + ", headers=[")
			.contains("X-Till:\"till-7\"");
	}

	@HttpExchange
	interface TillApi {

		@GetExchange("/till")
		String till(@RequestHeader("X-Till") String till);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "pos", types = StoresApi.class, clientType = ClientType.WEB_CLIENT)
	@ImportHttpServices(group = "other", types = TillApi.class, clientType = ClientType.WEB_CLIENT)
	static class Services {

	}

}
