package com.chimpy.pos.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.awaitility.Awaitility;
import tools.jackson.databind.json.JsonMapper;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;
import com.chimpy.pos.auth.test.PosSandbox;
import com.chimpy.pos.auth.test.PosSandboxExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

/**
 * What the starter's tests need around the {@link PosSandbox}: a sandbox whose user has a
 * password that JSON and form encoding must escape, a context runner with the pos-auth
 * auto-configurations, the sandbox's properties with short waits, and reading the journal
 * once it has settled.
 */
public final class PosSandboxFixture {

	/** The user of {@link #sandbox()}. */
	public static final String USERNAME = "cashier@example.com";

	/**
	 * The password of {@link #USERNAME}; it has characters that JSON and forms escape.
	 */
	public static final String PASSWORD = "pa ss\"w&rd=1%";

	private static final JsonMapper JSON = JsonMapper.shared();

	private PosSandboxFixture() {
	}

	/**
	 * A sandbox for a test class, started before its first test, with journal and
	 * scripted answers cleared before each test.
	 * @return the extension to register
	 */
	public static PosSandboxExtension sandbox() {
		return new PosSandboxExtension(PosSandbox.builder().user(USERNAME, PASSWORD));
	}

	/**
	 * A started sandbox like {@link #sandbox()}'s, for a test that closes it itself.
	 * @return the running sandbox
	 */
	public static PosSandbox startSandbox() {
		return PosSandbox.builder().user(USERNAME, PASSWORD).build().start();
	}

	/**
	 * A runner with Boot's {@code WebClient} auto-configuration and both pos-auth
	 * auto-configurations.
	 * @return the runner
	 */
	public static ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class,
				PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class));
	}

	/**
	 * The sandbox's properties, short waits and backoffs so that no test waits long, then
	 * the given {@code name=value} pairs, which override earlier ones of the same name.
	 * @param sandbox the sandbox
	 * @param more further properties
	 * @return the properties
	 */
	public static String[] properties(PosSandbox sandbox, String... more) {
		List<String> properties = new ArrayList<>();
		for (Map.Entry<String, String> entry : sandbox.springProperties().entrySet()) {
			properties.add(entry.getKey() + "=" + entry.getValue());
		}
		properties.addAll(List.of("pos.auth.max-wait=3s", "pos.auth.request-timeout=3s", "pos.auth.retry-backoff=100ms",
				"pos.auth.rejection-backoff=100ms", "pos.auth.read-timeout=3s", "pos.api.read-timeout=3s"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	/**
	 * The token requests of the journal once no further one arrived for 300 ms (at most 5
	 * s): for asserting that background work sent no more than counted.
	 * @param sandbox the sandbox
	 * @return the token requests, oldest first
	 */
	public static List<ServeEvent> settledTokenRequests(PosSandbox sandbox) {
		return settled(sandbox::tokenRequestEvents);
	}

	/**
	 * The journal entries once their number stayed the same for 300 ms (at most 5 s).
	 * @param <T> the entry type
	 * @param journal reads the journal
	 * @return the entries
	 */
	public static <T> List<T> settled(Supplier<List<T>> journal) {
		long[] sizeAndSince = { journal.get().size(), System.nanoTime() };
		Awaitility.await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(5)).until(() -> {
			int current = journal.get().size();
			if (current != sizeAndSince[0]) {
				sizeAndSince[0] = current;
				sizeAndSince[1] = System.nanoTime();
			}
			return System.nanoTime() - sizeAndSince[1] >= Duration.ofMillis(300).toNanos();
		});
		return journal.get();
	}

	/**
	 * The {@code grant_type} of a token request (JSON or form body).
	 * @param sandbox the sandbox
	 * @param index the position of the request in the journal
	 * @return the grant type
	 */
	public static String grantType(PosSandbox sandbox, int index) {
		return sandbox.tokenRequestBodies().get(index).get("grant_type");
	}

	/**
	 * The {@code grant_type} of every token request in the journal, oldest first.
	 * @param sandbox the sandbox
	 * @return the grant types
	 */
	public static List<String> grantTypes(PosSandbox sandbox) {
		return sandbox.tokenRequestBodies().stream().map((body) -> body.get("grant_type")).toList();
	}

	/**
	 * The {@code access_token} of every successful token answer in the journal (the
	 * sandbox's own or a scripted one), oldest first.
	 * @param sandbox the sandbox
	 * @return the access tokens
	 */
	public static List<String> issuedAccessTokens(PosSandbox sandbox) {
		return tokenAnswerValues(sandbox, "access_token");
	}

	/**
	 * The {@code refresh_token} of every successful token answer in the journal that has
	 * one, oldest first.
	 * @param sandbox the sandbox
	 * @return the refresh tokens
	 */
	public static List<String> issuedRefreshTokens(PosSandbox sandbox) {
		return tokenAnswerValues(sandbox, "refresh_token");
	}

	private static List<String> tokenAnswerValues(PosSandbox sandbox, String field) {
		List<String> tokens = new ArrayList<>();
		for (ServeEvent event : sandbox.tokenRequestEvents()) {
			LoggedResponse response = event.getResponse();
			if (response != null && response.getStatus() == 200) {
				Object token = readJson(response.getBodyAsString()).get(field);
				if (token != null) {
					tokens.add(token.toString());
				}
			}
		}
		return tokens;
	}

	private static Map<?, ?> readJson(String body) {
		try {
			return JSON.readValue(body, Map.class);
		}
		catch (RuntimeException ex) {
			// a scripted answer that is not a JSON object carries no token
			return Map.of();
		}
	}

	/**
	 * The {@code Authorization} header of every PoS API request in the journal, oldest
	 * first; {@code null} for a request without one.
	 * @param sandbox the sandbox
	 * @return the header values
	 */
	public static List<String> apiAuthorizations(PosSandbox sandbox) {
		return sandbox.apiRequestEvents().stream().map((event) -> authorization(event.getRequest())).toList();
	}

	/**
	 * The {@code Authorization} header of every request the sandbox received, whatever
	 * its path, oldest first; {@code null} for a request without one.
	 * @param sandbox the sandbox
	 * @return the header values
	 */
	public static List<String> allAuthorizations(PosSandbox sandbox) {
		return sandbox.requestEvents().stream().map((event) -> authorization(event.getRequest())).toList();
	}

	/**
	 * The {@code Bearer} headers of the given access tokens, for comparing with
	 * {@link #apiAuthorizations(PosSandbox)}.
	 * @param accessTokens the access tokens
	 * @return the header values
	 */
	public static List<String> bearers(List<String> accessTokens) {
		return accessTokens.stream().map((token) -> "Bearer " + token).toList();
	}

	/**
	 * The value of the {@code Authorization} header of a request.
	 * @param request the request
	 * @return the value, or {@code null} without one
	 */
	public static String authorization(LoggedRequest request) {
		return request.containsHeader("Authorization") ? request.getHeader("Authorization") : null;
	}

	/**
	 * The body of a JSON request as a map.
	 * @param request the request
	 * @return the JSON object
	 */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> jsonBody(LoggedRequest request) {
		return JSON.readValue(request.getBodyAsString(), Map.class);
	}

}
