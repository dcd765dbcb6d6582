package com.chimpy.pos.auth.interop.keycloak;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process tree that cannot outlive the JVM that started it. The command runs under a
 * small POSIX shell script, the lifeline, whose standard input is a pipe from this JVM:
 * when the pipe closes, because {@link #close()} closes it or because the JVM ended in
 * whatever way (a crash or {@code kill -9} included), the script sends {@code SIGTERM} to
 * the command and waits for it; the command passes it on to its own children, as
 * Keycloak's {@code kc.sh} does. {@link #close()} then waits, bounded, for the script to
 * end and ends whatever is left of the tree ({@code SIGTERM}, then {@code SIGKILL}); a
 * shutdown hook calls it when the JVM exits normally with the process still up.
 * <p>
 * The processes of the tree can be written to a file, so that a later check can prove
 * that none of them is left.
 */
final class LifelineProcess implements AutoCloseable {

	/**
	 * The lifeline script: runs its arguments in the background, reads standard input
	 * until it ends, then stops the command (SIGTERM) and waits for it.
	 */
	static final String LIFELINE = """
			"$@" </dev/null &
			child=$!
			while read -r line; do :; done
			kill -TERM "$child" 2>/dev/null
			wait "$child"
			""";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

	private final Process process;

	private final OutputStream lifeline;

	private final Thread shutdownHook;

	private final Map<Long, ProcessHandle> seen = new LinkedHashMap<>();

	private boolean closed;

	private LifelineProcess(Process process) {
		this.process = process;
		this.lifeline = process.getOutputStream();
		this.shutdownHook = new Thread(this::close, "lifeline-process-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		remember();
	}

	/**
	 * Start a command under a lifeline.
	 * @param command the command and its arguments
	 * @param directory the working directory
	 * @param environment variables to set ({@code null} values remove a variable)
	 * @param output the file that receives the command's standard output and error
	 * @return the running process
	 * @throws IOException when the process cannot be started
	 */
	static LifelineProcess start(List<String> command, Path directory, Map<String, String> environment, Path output)
			throws IOException {
		List<String> lifelined = new ArrayList<>(List.of("/bin/sh", "-c", LIFELINE, "lifeline"));
		lifelined.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(lifelined).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile());
		environment.forEach((name, value) -> {
			if (value != null) {
				builder.environment().put(name, value);
			}
			else {
				builder.environment().remove(name);
			}
		});
		return new LifelineProcess(builder.start());
	}

	/**
	 * Whether the lifeline script (and so, normally, the command) still runs.
	 * @return {@code true} while it runs
	 */
	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * The exit code of the lifeline script.
	 * @return the exit code
	 * @throws IllegalStateException while it still runs
	 */
	int exitValue() {
		return this.process.exitValue();
	}

	/**
	 * The processes of the tree seen so far, the lifeline first (those that have ended
	 * included).
	 * @return the processes
	 */
	synchronized List<ProcessHandle> processes() {
		remember();
		return List.copyOf(this.seen.values());
	}

	/**
	 * Write the processes of the tree seen so far to a file, one a line: pid, start
	 * instant (or {@code -}), command.
	 * @param file the file to write
	 * @throws IOException when it cannot be written
	 */
	void record(Path file) throws IOException {
		StringBuilder lines = new StringBuilder();
		for (ProcessHandle handle : processes()) {
			ProcessHandle.Info info = handle.info();
			lines.append(handle.pid())
				.append('\t')
				.append(info.startInstant().map(Instant::toString).orElse("-"))
				.append('\t')
				.append(info.command().orElse("?"))
				.append('\n');
		}
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, lines, StandardCharsets.UTF_8);
	}

	/**
	 * End the tree: close the lifeline (the script stops the command), wait for every
	 * process of the tree to end, then send SIGTERM and finally SIGKILL to whatever is
	 * left. Every wait is bounded; calling it again does nothing.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		remember();
		List<ProcessHandle> tree = List.copyOf(this.seen.values());
		try {
			this.lifeline.close();
		}
		catch (IOException ex) {
			// The pipe is gone already: the script has seen its end.
		}
		// The script ends once the command has: whatever is left then was orphaned by the
		// command.
		awaitEnd(List.of(this.process.toHandle()), STOP_TIMEOUT);
		List<ProcessHandle> left = tree.stream().filter(ProcessHandle::isAlive).toList();
		if (!left.isEmpty()) {
			left.forEach(ProcessHandle::destroy);
			if (!awaitEnd(left, KILL_TIMEOUT)) {
				left.forEach(ProcessHandle::destroyForcibly);
				awaitEnd(left, KILL_TIMEOUT);
			}
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down: this is the hook.
		}
	}

	private void remember() {
		ProcessHandle root = this.process.toHandle();
		this.seen.putIfAbsent(root.pid(), root);
		root.descendants().forEach((handle) -> this.seen.putIfAbsent(handle.pid(), handle));
	}

	/**
	 * Wait until every process has ended, at most for the given time.
	 * @return whether they all ended
	 */
	private static boolean awaitEnd(List<ProcessHandle> processes, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (ProcessHandle handle : processes) {
			CompletableFuture<ProcessHandle> exit = handle.onExit();
			try {
				exit.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				return false;
			}
			catch (ExecutionException ex) {
				// No way to tell: the liveness check below decides.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return processes.stream().noneMatch(ProcessHandle::isAlive);
			}
		}
		return processes.stream().noneMatch(ProcessHandle::isAlive);
	}

}
