package com.chimpy.pos.auth.interop.keycloak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run by failsafe after the interop tests' JVM has ended (phase
 * {@code post-integration-test}): no process that ran Keycloak for them is left, neither
 * one of the recorded tree nor any process whose command line names this build's Keycloak
 * distribution.
 */
class KeycloakProcessesEndedCheck {

	private static final Duration GRACE = Duration.ofSeconds(30);

	@Test
	void noKeycloakProcessOutlivesTheInteropTests() throws IOException {
		Path home = Path.of(System.getProperty("keycloak.home")).toAbsolutePath().normalize();
		Path record = Path.of(System.getProperty("keycloak.work.dir"), KeycloakServer.PROCESSES_FILE);
		assertThat(ProcessHandle.current().info().arguments())
			.as("this JVM can read command lines (else the scan below would see nothing)")
			.isPresent();
		List<String> recorded = Files.isRegularFile(record) ? Files.readAllLines(record, StandardCharsets.UTF_8)
				: List.of();
		long deadline = System.nanoTime() + GRACE.toNanos();
		List<String> left = leftOver(recorded, home);
		while (!left.isEmpty() && System.nanoTime() < deadline) {
			KeycloakServer.sleep(Duration.ofMillis(500));
			left = leftOver(recorded, home);
		}
		assertThat(left).as("Keycloak processes left after the interop tests (recorded in %s)", record).isEmpty();
	}

	private static List<String> leftOver(List<String> recorded, Path home) {
		List<String> left = new ArrayList<>();
		for (String line : recorded) {
			String[] fields = line.split("\t", 3);
			Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(fields[0]));
			if (handle.isPresent() && handle.get().isAlive() && sameStart(handle.get(), fields[1])) {
				left.add("recorded " + line);
			}
		}
		String distribution = home.toString();
		ProcessHandle.allProcesses()
			.filter(ProcessHandle::isAlive)
			.filter((process) -> process.info().commandLine().orElse("").contains(distribution))
			.forEach((process) -> left.add(process.pid() + " " + process.info().commandLine().orElse("")));
		return left;
	}

	private static boolean sameStart(ProcessHandle handle, String recordedStart) {
		if ("-".equals(recordedStart)) {
			return true;
		}
		return handle.info().startInstant().map(Instant::toString).map(recordedStart::equals).orElse(true);
	}

}
