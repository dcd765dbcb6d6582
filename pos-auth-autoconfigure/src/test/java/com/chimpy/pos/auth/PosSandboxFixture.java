package com.chimpy.pos.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.awaitility.Awaitility;

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

}
