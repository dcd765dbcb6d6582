package com.chimpy.pos.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.chimpy.pos.auth.test.PosSandbox;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample's jar as the build made it, AOT-processed by
 * {@code spring-boot:process-aot} and repackaged, with
 * {@code java -Dspring.aot.enabled=true -jar}: the application starts from the generated
 * bean definitions instead of evaluating its configuration, and the main job succeeds
 * against the in-process sandbox. Run by Failsafe after {@code package}, which passes the
 * jar's path as {@code sample.jar}.
 */
class SampleApplicationAotIT {

	private static final long RUN_TIMEOUT_SECONDS = 180;

	@Test
	void aotProcessedJarRunsTheMainJobAndExitsZero(@TempDir Path directory) throws Exception {
		Path jar = Path.of(System.getProperty("sample.jar", "target/sample-app-0.1.0-SNAPSHOT.jar"));
		assertThat(jar).as("the repackaged jar (run 'verify', not 'test')").isRegularFile();
		Path log = directory.resolve("sample.log");
		Process process = new ProcessBuilder(List.of(javaExecutable(), "-Dspring.aot.enabled=true", "-jar",
				jar.toAbsolutePath().toString(), "--logging.level.com.chimpy.pos.sample=info"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			boolean exited = process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			String output = Files.readString(log);
			assertThat(exited).as("the sample ended within %d s; its output:%n%s", RUN_TIMEOUT_SECONDS, output)
				.isTrue();
			assertThat(process.exitValue()).as("exit status; output:%n%s", output).isZero();
			assertThat(output).contains("Starting AOT-processed SampleApplication")
				.contains("1. GET /stores -> 3 stores; token requests: 1 (password grant)")
				.contains("2. 10 x GET /products -> 200; password grants still 1")
				.containsPattern(
						"3\\. \\d+ calls over .* -> all 200; renewed [1-9]\\d* time\\(s\\) with the refresh token")
				.containsPattern("4\\. The server revoked every token; POST /orders -> order ord-\\d+ after 1 x 401")
				.contains("Done: every call succeeded.")
				.doesNotContain(PosSandbox.DEFAULT_PASSWORD);
		}
		finally {
			stop(process);
		}
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static void stop(Process process) throws InterruptedException, IOException {
		if (process.isAlive()) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				throw new IOException("The sample process " + process.pid() + " did not stop");
			}
		}
	}

}
