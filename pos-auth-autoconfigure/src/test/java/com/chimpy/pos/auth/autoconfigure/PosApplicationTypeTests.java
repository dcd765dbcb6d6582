package com.chimpy.pos.auth.autoconfigure;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.chimpy.pos.auth.PosStubServer;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

import static com.chimpy.pos.auth.PosStubServer.token;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adding pos-auth changes nothing about what kind of application it is: a non-web
 * application starts no web server, and a servlet application's own endpoints stay open
 * (no inbound security switched on).
 */
@ExtendWith(OutputCaptureExtension.class)
class PosApplicationTypeTests {

	/** Jars that only the tests (spring-boot-starter-webmvc) put on the classpath. */
	private static final Pattern SERVLET_STACK = Pattern.compile("tomcat|webmvc|spring-boot-servlet|servlet-api");

	@RegisterExtension
	static final PosStubServer server = PosStubServer.perClass();

	/**
	 * Spring Boot deduces the application type from the classpath, as in a user's
	 * application: the test classpath without the servlet stack the tests add (Tomcat,
	 * Spring MVC) gives a non-web application that starts no web server and has
	 * {@code posWebClient}. A dependency of pos-auth that brought a server or a web
	 * framework along would turn it into a web application here.
	 */
	@Test
	void nonWebApplicationStartsNoWebServer() throws Exception {
		List<URL> classpath = classpath((entry) -> true);
		List<URL> starterOnly = classpath((entry) -> !SERVLET_STACK.matcher(entry).find());
		assertThat(starterOnly).as("the servlet stack of the tests is filtered out").hasSizeLessThan(classpath.size());
		// Control: the same mechanism sees the servlet stack the tests add.
		assertThat(runIn(classpath, false)).isEqualTo("SERVLET");
		assertThat(runIn(starterOnly, true)).isEqualTo("NONE started without web server, posWebClient present");
	}

	@Test
	void servletApplicationEndpointsStayOpen(CapturedOutput output) throws Exception {
		server.stubTokenEndpoint(token("access-1", 3600, null));
		server.wireMock()
			.stubFor(get(urlPathEqualTo(PosStubServer.API_PATH + "/orders")).willReturn(okJson("[\"coffee\"]")));
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties(server.properties("server.port=0", "server.address=127.0.0.1"))
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			HttpResponse<String> hello = send(http, port, "/hello");
			assertThat(hello.statusCode()).isEqualTo(200);
			assertThat(hello.body()).isEqualTo("hello");
			assertThat(hello.headers().firstValue("WWW-Authenticate")).isEmpty();
			HttpResponse<String> orders = send(http, port, "/orders");
			assertThat(orders.statusCode()).isEqualTo(200);
			assertThat(orders.body()).isEqualTo("[\"coffee\"]");
			assertThat(send(http, port, "/login").statusCode()).isEqualTo(404);
			assertThat(context.containsBean("springSecurityFilterChain")).isFalse();
		}
		assertThat(output).doesNotContainIgnoringCase("generated security password")
			.doesNotContain(PosStubServer.PASSWORD)
			.doesNotContain("access-1");
	}

	private static HttpResponse<String> send(HttpClient http, int port, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static List<URL> classpath(Predicate<String> include) {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.filter(include)
			.map(PosApplicationTypeTests::toUrl)
			.toList();
	}

	private static URL toUrl(String entry) {
		try {
			return new File(entry).toURI().toURL();
		}
		catch (MalformedURLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Deduces the web application type of {@link Application} on the given classpath, as
	 * {@code SpringApplication} does, and when asked also runs it there.
	 */
	private static String runIn(List<URL> classpath, boolean start) throws Exception {
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		try (URLClassLoader loader = new URLClassLoader(classpath.toArray(URL[]::new),
				ClassLoader.getPlatformClassLoader())) {
			thread.setContextClassLoader(loader);
			Class<?> springApplication = loader.loadClass("org.springframework.boot.SpringApplication");
			Object application = springApplication.getConstructor(Class[].class)
				.newInstance((Object) new Class<?>[] { loader.loadClass(Application.class.getName()) });
			String type = springApplication.getMethod("getWebApplicationType").invoke(application).toString();
			if (!start) {
				return type;
			}
			String[] args = Arrays.stream(server.properties("spring.main.banner-mode=off"))
				.map((property) -> "--" + property)
				.toArray(String[]::new);
			try (AutoCloseable context = (AutoCloseable) springApplication.getMethod("run", String[].class)
				.invoke(application, (Object) args)) {
				Class<?> webServer = loader.loadClass(WebServer.class.getName());
				Class<?> webServerContext = loader.loadClass(WebServerApplicationContext.class.getName());
				String[] webServers = (String[]) context.getClass()
					.getMethod("getBeanNamesForType", Class.class)
					.invoke(context, webServer);
				boolean posWebClient = (boolean) context.getClass()
					.getMethod("containsBean", String.class)
					.invoke(context, "posWebClient");
				boolean noWebServer = webServers.length == 0 && !webServerContext.isInstance(context);
				return type + (noWebServer ? " started without web server" : " started a web server")
						+ (posWebClient ? ", posWebClient present" : ", posWebClient missing");
			}
		}
		finally {
			thread.setContextClassLoader(previous);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrdersController.class)
	static class WebApplication {

	}

	@RestController
	static class OrdersController {

		private final WebClient posWebClient;

		OrdersController(@Qualifier("posWebClient") WebClient posWebClient) {
			this.posWebClient = posWebClient;
		}

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

		@GetMapping("/orders")
		String orders() {
			return this.posWebClient.get().uri("/orders").retrieve().bodyToMono(String.class).block();
		}

	}

}
