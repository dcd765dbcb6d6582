package com.chimpy.pos.auth.test;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP answer the sandbox computed, before it becomes a WireMock response definition.
 *
 * @param status the HTTP status
 * @param headers the headers, in order
 * @param body the body text, may be empty
 */
record Answer(int status, Map<String, String> headers, String body) {

	Answer {
		headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
	}

	/** A JSON answer with {@code Content-Type: application/json}. */
	static Answer json(int status, Object body) {
		return new Answer(status, Map.of("Content-Type", "application/json;charset=UTF-8"), Json.write(body));
	}

	/** An OAuth 2 / PoS error answer {@code {"error": ..., "error_description": ...}}. */
	static Answer error(int status, String error, @Nullable String description) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("error_description", description);
		return json(status, body);
	}

	/** This answer with one more header. */
	Answer withHeader(String name, String value) {
		Map<String, String> all = new LinkedHashMap<>(this.headers);
		all.put(name, value);
		return new Answer(this.status, all, this.body);
	}

	/** The WireMock response definition for this answer, sent after {@code delay}. */
	ResponseDefinition toResponseDefinition(Duration delay) {
		ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.responseDefinition().withStatus(this.status);
		this.headers.forEach(builder::withHeader);
		builder.withBody(this.body);
		if (!delay.isZero()) {
			builder.withFixedDelay((int) Math.min(Integer.MAX_VALUE, delay.toMillis()));
		}
		return builder.build();
	}
}
