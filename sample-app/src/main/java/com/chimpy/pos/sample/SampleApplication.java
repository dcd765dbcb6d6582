package com.chimpy.pos.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that calls the PoS API through pos-auth and nothing else: the
 * starter on the classpath, {@code pos.*} properties, and an injected
 * {@code posWebClient}.
 * <p>
 * Without {@code pos.auth.token-uri} it starts the in-process PoS sandbox and points the
 * starter at it; with real {@code pos.*} properties (for example the environment
 * variables {@code POS_AUTH_TOKEN_URI}, {@code POS_AUTH_CLIENT_ID},
 * {@code POS_AUTH_AUDIENCE}, {@code POS_AUTH_USERNAME}, {@code POS_AUTH_PASSWORD},
 * {@code POS_API_BASE_URL}) it talks to that PoS instead.
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Run the sample's main job and exit with its status.
	 * @param args command line arguments, for example
	 * {@code --pos.auth.token-uri=https://...}
	 */
	public static void main(String[] args) {
		System.exit(run(args));
	}

	/**
	 * Run the sample's main job.
	 * @param args command line arguments
	 * @return the exit status: 0 when every step behaved as expected
	 */
	public static int run(String... args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.addInitializers(new SandboxInitializer());
		return SpringApplication.exit(application.run(args));
	}

}
