package com.chimpy.pos.auth.interop.keycloak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LifelineProcess}: nothing it started outlives
 * {@link LifelineProcess#close()}, nor the JVM that started it, even when that JVM is
 * killed with {@code SIGKILL}.
 */
class LifelineProcessTests {

	/**
	 * A command that passes SIGTERM on to its child and waits for it, as Keycloak's
	 * {@code kc.sh} does.
	 */
	private static final List<String> FORWARDING = List.of("/bin/sh", "-c",
			"trap 'kill -TERM $child; wait $child; exit 143' TERM; sleep 300 & child=$!; wait $child");

	/**
	 * A command whose children are left behind when it ends.
	 */
	private static final List<String> ABANDONING = List.of("/bin/sh", "-c", "sleep 300 & sleep 300 & wait");

	private static final Duration LIMIT = Duration.ofSeconds(30);

	@TempDir
	Path temp;

	@Test
	void closeEndsACommandThatPassesTheSignalOn() throws IOException {
		LifelineProcess process = LifelineProcess.start(FORWARDING, this.temp, Map.of(), this.temp.resolve("out"));
		List<ProcessHandle> tree = awaitTree(process, 3);
		process.close();
		assertThat(tree).noneMatch(ProcessHandle::isAlive);
	}

	@Test
	void closeEndsChildrenThatTheCommandLeftBehind() throws IOException {
		LifelineProcess process = LifelineProcess.start(ABANDONING, this.temp, Map.of(), this.temp.resolve("out"));
		List<ProcessHandle> tree = awaitTree(process, 4);
		process.close();
		assertThat(tree).noneMatch(ProcessHandle::isAlive);
	}

	@Test
	void recordListsEveryProcessOfTheTree() throws IOException {
		try (LifelineProcess process = LifelineProcess.start(FORWARDING, this.temp, Map.of(),
				this.temp.resolve("out"))) {
			List<ProcessHandle> tree = awaitTree(process, 3);
			Path record = this.temp.resolve("processes.txt");
			process.record(record);
			assertThat(Files.readAllLines(record)).extracting((line) -> Long.parseLong(line.split("\t")[0]))
				.containsExactlyElementsOf(tree.stream().map(ProcessHandle::pid).toList());
		}
	}

	@Test
	void killedJvmTakesTheCommandWithIt() throws Exception {
		Path record = this.temp.resolve("processes.txt");
		Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), Holder.class.getName(), record.toString(), this.temp.toString())
			.redirectErrorStream(true)
			.redirectOutput(this.temp.resolve("holder.out").toFile())
			.start();
		List<ProcessHandle> started = new ArrayList<>();
		try {
			long deadline = System.nanoTime() + LIMIT.toNanos();
			while (!Files.exists(record)) {
				assertThat(holder.isAlive()).as("holder JVM alive (output: %s)", this.temp.resolve("holder.out"))
					.isTrue();
				assertThat(System.nanoTime()).as("holder's record written in time").isLessThan(deadline);
				KeycloakServer.sleep(Duration.ofMillis(100));
			}
			for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
				ProcessHandle.of(Long.parseLong(line.split("\t")[0])).ifPresent(started::add);
			}
			assertThat(started).hasSize(3).allMatch(ProcessHandle::isAlive);

			holder.destroyForcibly();

			assertThat(holder.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			long deadline2 = System.nanoTime() + LIMIT.toNanos();
			while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline2) {
				KeycloakServer.sleep(Duration.ofMillis(100));
			}
			assertThat(started).noneMatch(ProcessHandle::isAlive);
		}
		finally {
			holder.destroyForcibly();
			started.forEach(ProcessHandle::destroyForcibly);
		}
	}

	private static List<ProcessHandle> awaitTree(LifelineProcess process, int size) {
		long deadline = System.nanoTime() + LIMIT.toNanos();
		List<ProcessHandle> tree = process.processes();
		while (tree.stream().filter(ProcessHandle::isAlive).count() < size) {
			assertThat(System.nanoTime()).as("tree of %d processes started in time", size).isLessThan(deadline);
			KeycloakServer.sleep(Duration.ofMillis(50));
			tree = process.processes();
		}
		return tree;
	}

	/**
	 * A JVM that starts a command under a lifeline, records its tree, and waits to be
	 * killed (at most five minutes).
	 */
	static final class Holder {

		public static void main(String[] args) throws Exception {
			Path record = Path.of(args[0]);
			Path directory = Path.of(args[1]);
			LifelineProcess process = LifelineProcess.start(FORWARDING, directory, Map.of(),
					directory.resolve("holder-command.out"));
			awaitTree(process, 3);
			Path partial = Path.of(record + ".partial");
			process.record(partial);
			Files.move(partial, record, StandardCopyOption.ATOMIC_MOVE);
			KeycloakServer.sleep(Duration.ofMinutes(5));
		}

	}

}
