package com.chimpy.pos.auth.interop.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A Keycloak server in development mode on loopback, started from the unpacked
 * distribution with the interop realm imported, on a JDK 21+ of its own, and stopped with
 * its whole process tree on {@link #close()} (see {@link LifelineProcess}). Its database
 * lives in memory, so every start begins from the realm file.
 */
final class KeycloakServer implements AutoCloseable {

	/**
	 * The realm the tests use, imported from {@value #REALM_RESOURCE}.
	 */
	static final String REALM = "pos-interop";

	/**
	 * The realm file on the test class path.
	 */
	static final String REALM_RESOURCE = "/keycloak/pos-interop-realm.json";

	/**
	 * The file, in the work directory, that lists the processes of the last Keycloak
	 * started.
	 */
	static final String PROCESSES_FILE = "processes.txt";

	private static final String HOST = "127.0.0.1";

	private static final String ADMIN_USERNAME = "pos-interop-admin";

	private final LifelineProcess process;

	private final String baseUrl;

	private final KeycloakAdmin admin;

	private KeycloakServer(LifelineProcess process, String baseUrl, String adminPassword) {
		this.process = process;
		this.baseUrl = baseUrl;
		this.admin = new KeycloakAdmin(baseUrl, REALM, ADMIN_USERNAME, adminPassword);
	}

	/**
	 * Start Keycloak as the build configured it (system properties {@code keycloak.home},
	 * {@code keycloak.java.home}, {@code keycloak.work.dir},
	 * {@code keycloak.startup.timeout}) and wait until the realm answers.
	 * @return the running server
	 */
	static KeycloakServer startFromBuild() {
		Path home = Path.of(requiredProperty("keycloak.home"));
		Path work = Path.of(requiredProperty("keycloak.work.dir"));
		Duration timeout = Duration.ofSeconds(Long.parseLong(System.getProperty("keycloak.startup.timeout", "300")));
		return start(home, KeycloakJavaHome.locate(), work, timeout);
	}

	/**
	 * Start Keycloak and wait until the realm answers.
	 * @param home the unpacked distribution
	 * @param javaHome a JDK 21 or later
	 * @param work a directory for the log and the process list
	 * @param timeout how long to wait for the realm to answer
	 * @return the running server
	 */
	static KeycloakServer start(Path home, Path javaHome, Path work, Duration timeout) {
		Path script = home.resolve("bin/kc.sh");
		if (!Files.isRegularFile(script)) {
			throw new IllegalStateException("No Keycloak distribution at " + home + ": run the interop tests through "
					+ "Maven (./mvnw verify -pl interop-keycloak), which unpacks "
					+ "org.keycloak:keycloak-quarkus-dist:" + System.getProperty("keycloak.version", "?")
					+ ":zip from Maven Central into target/keycloak");
		}
		try {
			Files.createDirectories(work);
			Files.deleteIfExists(work.resolve(PROCESSES_FILE));
			importRealm(home);
			int port = freePort();
			int managementPort = freePort();
			String adminPassword = UUID.randomUUID().toString();
			Path log = work.resolve("keycloak.log");
			List<String> command = List.of("/bin/sh", script.toString(), "start-dev", "--http-host=" + HOST,
					"--http-port=" + port, "--http-management-port=" + managementPort, "--db=dev-mem",
					"--import-realm");
			LifelineProcess process = LifelineProcess.start(command, home, environment(javaHome, adminPassword), log);
			String baseUrl = "http://" + HOST + ":" + port;
			try {
				awaitRealm(process, baseUrl, timeout, log);
				process.record(work.resolve(PROCESSES_FILE));
			}
			catch (RuntimeException | IOException ex) {
				process.close();
				throw ex;
			}
			return new KeycloakServer(process, baseUrl, adminPassword);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start Keycloak from " + home, ex);
		}
	}

	/**
	 * The server's base URL, {@code http://127.0.0.1:<port>}.
	 * @return the base URL
	 */
	String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * The path of the realm's token endpoint.
	 * @return the path
	 */
	static String tokenPath() {
		return "/realms/" + REALM + "/protocol/openid-connect/token";
	}

	/**
	 * The realm's token introspection endpoint.
	 * @return the URI
	 */
	URI introspectionUri() {
		return URI.create(this.baseUrl + tokenPath() + "/introspect");
	}

	/**
	 * A client of the admin REST API and of the realm's token endpoint, for the tests'
	 * own checks.
	 * @return the client
	 */
	KeycloakAdmin admin() {
		return this.admin;
	}

	/**
	 * The processes of the server's tree.
	 * @return the processes, the lifeline first
	 */
	List<ProcessHandle> processes() {
		return this.process.processes();
	}

	@Override
	public void close() {
		this.process.close();
	}

	private static Map<String, String> environment(Path javaHome, String adminPassword) {
		Map<String, String> environment = new LinkedHashMap<>();
		// Keycloak reads KC_* and QUARKUS_* variables as configuration: only the ones set
		// here count.
		System.getenv()
			.keySet()
			.stream()
			.filter((name) -> name.startsWith("KC_") || name.startsWith("QUARKUS_"))
			.forEach((name) -> environment.put(name, null));
		environment.put("JAVA_HOME", javaHome.toString());
		environment.put("JAVA", javaHome.resolve("bin/java").toString());
		// kc.sh's own defaults (heap 64 MB to 512 MB), not whatever the build's
		// environment says.
		environment.put("JAVA_OPTS", null);
		environment.put("JAVA_OPTS_KC_HEAP", null);
		environment.put("KC_RUN_IN_CONTAINER", null);
		// Java 24+: lets jboss-threads reset thread locals instead of failing at
		// shutdown.
		environment.put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
		environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
		environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
		return environment;
	}

	/**
	 * Put the realm file where {@code --import-realm} reads it, and nothing else there.
	 */
	private static void importRealm(Path home) throws IOException {
		Path imports = home.resolve("data/import");
		if (Files.isDirectory(imports)) {
			try (Stream<Path> entries = Files.walk(imports)) {
				for (Path entry : entries.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(entry);
				}
			}
		}
		Files.createDirectories(imports);
		try (InputStream realm = KeycloakServer.class.getResourceAsStream(REALM_RESOURCE)) {
			if (realm == null) {
				throw new IllegalStateException("No realm file " + REALM_RESOURCE + " on the class path");
			}
			Files.copy(realm, imports.resolve(REALM + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
		}
	}

	private static void awaitRealm(LifelineProcess process, String baseUrl, Duration timeout, Path log) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest probe = HttpRequest
			.newBuilder(URI.create(baseUrl + "/realms/" + REALM + "/.well-known/openid-configuration"))
			.timeout(Duration.ofSeconds(5))
			.build();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			process.processes();
			if (!process.isAlive()) {
				throw new IllegalStateException("Keycloak ended during start-up with exit code " + process.exitValue()
						+ "; the end of its log (" + log + "):\n" + tail(log));
			}
			try {
				if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for Keycloak", ex);
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Keycloak did not serve realm " + REALM + " within " + timeout.toSeconds()
								+ " s (-Dkeycloak.startup.timeout); the end of its log (" + log + "):\n" + tail(log));
			}
			sleep(Duration.ofMillis(500));
		}
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 40), lines.size())));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
	}

	private static String requiredProperty(String name) {
		String value = System.getProperty(name);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException("System property " + name + " is not set: run the interop tests through "
					+ "Maven (./mvnw verify -pl interop-keycloak), whose failsafe configuration sets it");
		}
		return value;
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
