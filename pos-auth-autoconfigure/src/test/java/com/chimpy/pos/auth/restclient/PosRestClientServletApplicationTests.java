package com.chimpy.pos.auth.restclient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real servlet application (embedded Tomcat, full auto-configuration as the starter's
 * users get it) whose controller calls the PoS API through {@code posRestClient}: the
 * bean exists next to {@code posWebClient}, and requests served on servlet threads share
 * one token and replay after a 401.
 */
class PosRestClientServletApplicationTests {

	@Test
	void controllerCallsThePosApiThroughPosRestClient() throws Exception {
		try (PosSandbox sandbox = PosSandbox.builder().build().start()) {
			List<String> arguments = new ArrayList<>();
			sandbox.springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
			arguments.add("--server.port=0");
			arguments.add("--spring.reactor.netty.shutdown-quiet-period=0s");
			SpringApplication application = new SpringApplication(ServletApplication.class);
			application.setWebApplicationType(WebApplicationType.SERVLET);
			try (ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new))) {
				assertThat(context.containsBean("posWebClient")).isTrue();
				String port = context.getEnvironment().getProperty("local.server.port");
				HttpClient http = HttpClient.newHttpClient();
				HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/stores"))
					.build();
				for (int i = 0; i < 3; i++) {
					HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
					assertThat(response.statusCode()).isEqualTo(200);
					assertThat(response.body()).contains("store-001");
				}
				sandbox.api().failNext(1, Fault.status(401));
				assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
				assertThat(sandbox.tokenRequests("password")).isEqualTo(1);
				assertThat(sandbox.tokenRequests("refresh_token")).isEqualTo(1);
				assertThat(sandbox.apiRequests(200)).isEqualTo(4);
				assertThat(sandbox.apiRequests(401)).isEqualTo(1);
			}
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(StoresController.class)
	static class ServletApplication {

	}

	@RestController
	static class StoresController {

		private final RestClient pos;

		StoresController(@Qualifier("posRestClient") RestClient pos) {
			this.pos = pos;
		}

		@GetMapping("/stores")
		String stores() {
			return this.pos.get().uri("/stores").retrieve().body(String.class);
		}

	}

}
