package com.chimpy.pos.auth.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyTests {

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension();

	@Test
	void concurrentRequestsAreAllAnsweredAndJournaled() {
		PosSandbox sandbox = extension.sandbox();
		sandbox.tokenEndpoint().failNext(5, Fault.latency(Duration.ofMillis(300)));
		HttpClient client = HttpClient.newHttpClient();
		String body = HttpTestClient.JSON.writeValueAsString(
				SandboxRequests.passwordGrant(PosSandbox.DEFAULT_USERNAME, PosSandbox.DEFAULT_PASSWORD, null));

		List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 40)
			.mapToObj((i) -> client.sendAsync(HttpRequest.newBuilder(URI.create(sandbox.tokenUri()))
				.header("Content-Type", "application/json")
				.timeout(Duration.ofSeconds(10))
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString()))
			.toList();

		assertThat(responses).allSatisfy((response) -> assertThat(response.join().statusCode()).isEqualTo(200));
		assertThat(
				responses.stream().map((r) -> HttpTestClient.json(r.join()).get("access_token").asString()).distinct())
			.hasSize(40);
		assertThat(sandbox.tokenRequests()).isEqualTo(40);
		assertThat(sandbox.tokenRequestBodies())
			.allSatisfy((fields) -> assertThat(fields).containsEntry("grant_type", "password"));
	}

}
