package com.chimpy.pos.auth.interop.keycloak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the JDK that runs Keycloak, which needs Java 21 or later while the build runs on
 * Java 17.
 * <p>
 * An explicit choice, the system property {@value #PROPERTY} (when it differs from the
 * build's default {@link #DEFAULT}) or else the environment variable
 * {@value #ENVIRONMENT_VARIABLE}, must be a JDK 21+: anything else fails, naming it.
 * Without one, the first JDK 21+ among the default, the running JVM, {@code JAVA_HOME}
 * and the JDKs installed in the usual places is taken. None at all fails with a message
 * that says what to install and what to set; the interop tests are never skipped for want
 * of a JDK.
 */
final class KeycloakJavaHome {

	/**
	 * The system property that names the JDK for Keycloak.
	 */
	static final String PROPERTY = "keycloak.java.home";

	/**
	 * The environment variable that names the JDK for Keycloak when the property does
	 * not.
	 */
	static final String ENVIRONMENT_VARIABLE = "KEYCLOAK_JAVA_HOME";

	/**
	 * Where the build looks first (the JDK 25 of the project's machines).
	 */
	static final Path DEFAULT = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

	/**
	 * The oldest Java release Keycloak 26 runs on.
	 */
	static final int REQUIRED_FEATURE_RELEASE = 21;

	private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"?([0-9][0-9._+\\-a-zA-Z]*)\"?\\s*$",
			Pattern.MULTILINE);

	private KeycloakJavaHome() {
	}

	/**
	 * The JDK for Keycloak on this machine.
	 * @return the JDK's home directory
	 * @throws IllegalStateException when there is no JDK 21 or later to be had, or an
	 * explicitly named one is not
	 */
	static Path locate() {
		List<Path> installed = new ArrayList<>();
		installed.addAll(children(Path.of("/usr/lib/jvm"), ""));
		installed.addAll(children(Path.of("/Library/Java/JavaVirtualMachines"), "Contents/Home"));
		installed.addAll(children(Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java"), ""));
		return locate(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT_VARIABLE), DEFAULT,
				Path.of(System.getProperty("java.home")), System.getenv("JAVA_HOME"), installed);
	}

	/**
	 * The JDK for Keycloak, from the given places.
	 * @param property the value of {@value #PROPERTY}, or {@code null}
	 * @param environmentVariable the value of {@value #ENVIRONMENT_VARIABLE}, or
	 * {@code null}
	 * @param defaultHome where to look first, and what the property says when the build's
	 * default is in force
	 * @param runningJava the home of the JVM that runs the tests
	 * @param javaHome the value of {@code JAVA_HOME}, or {@code null}
	 * @param installed JDK directories found on the machine
	 * @return the JDK's home directory
	 */
	static Path locate(String property, String environmentVariable, Path defaultHome, Path runningJava, String javaHome,
			List<Path> installed) {
		if (hasText(property) && !Path.of(property.trim()).equals(defaultHome)) {
			return explicit(Path.of(property.trim()), "-D" + PROPERTY);
		}
		if (hasText(environmentVariable)) {
			return explicit(Path.of(environmentVariable.trim()), ENVIRONMENT_VARIABLE);
		}
		Set<Path> candidates = new LinkedHashSet<>();
		candidates.add(defaultHome);
		candidates.add(runningJava);
		if (hasText(javaHome)) {
			candidates.add(Path.of(javaHome.trim()));
		}
		installed.stream()
			.sorted(Comparator.comparingInt(KeycloakJavaHome::featureRelease).reversed())
			.forEach(candidates::add);
		for (Path candidate : candidates) {
			if (problem(candidate) == null) {
				return candidate;
			}
		}
		throw new IllegalStateException("Keycloak needs Java " + REQUIRED_FEATURE_RELEASE
				+ " or later, and no such JDK was found (looked at: " + describe(candidates) + "). Install a JDK "
				+ REQUIRED_FEATURE_RELEASE + " or later (for example Eclipse Temurin 21 or 25) and name it with -D"
				+ PROPERTY + "=/path/to/jdk or the environment variable " + ENVIRONMENT_VARIABLE
				+ "; the build itself stays on Java 17. (-DskipITs skips all integration tests, these included.)");
	}

	/**
	 * The feature release of a JDK directory ({@code 25} for 25.0.1, {@code 8} for
	 * 1.8.0_292), read from its {@code release} file.
	 * @param home the JDK's home directory
	 * @return the feature release, or {@code -1} when it cannot be read
	 */
	static int featureRelease(Path home) {
		Path release = home.resolve("release");
		if (!Files.isRegularFile(release)) {
			return -1;
		}
		try {
			Matcher matcher = JAVA_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
			if (!matcher.find()) {
				return -1;
			}
			String[] parts = matcher.group(1).split("[._+\\-]");
			int first = Integer.parseInt(parts[0]);
			return (first == 1 && parts.length > 1) ? Integer.parseInt(parts[1]) : first;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	private static Path explicit(Path home, String source) {
		String problem = problem(home);
		if (problem != null) {
			throw new IllegalStateException(source + "=" + home + " " + problem + ", but Keycloak needs Java "
					+ REQUIRED_FEATURE_RELEASE + " or later. Point " + source + " at a JDK " + REQUIRED_FEATURE_RELEASE
					+ "+ (for example Eclipse Temurin 21 or 25); the build itself stays " + "on Java 17.");
		}
		return home;
	}

	/**
	 * What keeps a directory from running Keycloak, or {@code null} when nothing does.
	 */
	private static String problem(Path home) {
		if (!Files.isDirectory(home)) {
			return "does not exist";
		}
		if (!Files.isExecutable(home.resolve("bin/java")) && !Files.isExecutable(home.resolve("bin/java.exe"))) {
			return "has no bin/java";
		}
		int feature = featureRelease(home);
		if (feature < 0) {
			return "has no readable release file";
		}
		return (feature < REQUIRED_FEATURE_RELEASE) ? "is Java " + feature : null;
	}

	private static String describe(Set<Path> candidates) {
		StringBuilder description = new StringBuilder();
		for (Path candidate : candidates) {
			description.append((description.isEmpty()) ? "" : ", ").append(candidate).append(' ');
			String problem = problem(candidate);
			description.append((problem != null) ? "(" + problem + ")" : "(usable)");
		}
		return description.toString();
	}

	private static List<Path> children(Path directory, String below) {
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.map((entry) -> below.isEmpty() ? entry : entry.resolve(below))
				.filter(Files::isDirectory)
				.toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
