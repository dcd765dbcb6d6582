package com.chimpy.pos.auth.test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the sandbox tests. */
final class HttpTestClient {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client;

	HttpTestClient() {
		this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
	}

	HttpTestClient(SSLContext sslContext) {
		this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(sslContext).build());
	}

	private HttpTestClient(HttpClient client) {
		this.client = client;
	}

	HttpResponse<String> postJson(String uri, Map<String, ?> body) {
		return send(HttpRequest.newBuilder(URI.create(uri))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
	}

	HttpResponse<String> postForm(String uri, Map<String, String> fields) {
		String form = fields.entrySet()
			.stream()
			.map((e) -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(URI.create(uri))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form)));
	}

	HttpResponse<String> get(String uri, String accessToken) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).GET();
		if (accessToken != null) {
			request.header("Authorization", "Bearer " + accessToken);
		}
		return send(request);
	}

	HttpResponse<String> postApi(String uri, String accessToken, String json) {
		return send(HttpRequest.newBuilder(URI.create(uri))
			.header("Authorization", "Bearer " + accessToken)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.client.send(request.timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOExceptionWrapper(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	/** An I/O failure of a test request, e.g. a reset connection. */
	static final class UncheckedIOExceptionWrapper extends RuntimeException {

		UncheckedIOExceptionWrapper(IOException cause) {
			super(cause);
		}

	}

}
