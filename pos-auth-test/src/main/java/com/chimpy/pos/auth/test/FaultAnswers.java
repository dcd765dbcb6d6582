package com.chimpy.pos.auth.test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link Fault} into the response the sandbox sends instead of (or around) the
 * real answer.
 */
final class FaultAnswers {

	private FaultAnswers() {
	}

	/**
	 * The response for a request that drew {@code fault}.
	 * @param fault the fault, or {@code null} for a normal answer
	 * @param realAnswer computes the real answer; called only when the fault needs it
	 * @param apiEndpoint whether the request went to the PoS API (a 401 then carries
	 * {@code WWW-Authenticate})
	 * @return the response for a request that drew {@code fault}
	 */
	static ResponseDefinition respond(@Nullable Fault fault, Supplier<Answer> realAnswer, boolean apiEndpoint) {
		if (fault == null) {
			return realAnswer.get().toResponseDefinition(Duration.ZERO);
		}
		Duration delay = fault.delay();
		return switch (fault.kind()) {
			case LATENCY -> realAnswer.get().toResponseDefinition(delay);
			case ANSWER -> Objects.requireNonNull(fault.answer(), "answer").toResponseDefinition(delay);
			case STATUS -> statusAnswer(fault, apiEndpoint).toResponseDefinition(delay);
			case CONNECTION_RESET -> connectionReset(delay);
			case MALFORMED_BODY -> new Answer(200, Map.of("Content-Type", "application/json;charset=UTF-8"),
					"<html><body>Simulated malformed answer {\"access_token\":</body></html>")
				.toResponseDefinition(delay);
			case MISSING_ACCESS_TOKEN -> Answer.json(200, tokenLike(false)).toResponseDefinition(delay);
			case WRONG_TOKEN_TYPE -> Answer.json(200, tokenLike(true)).toResponseDefinition(delay);
		};
	}

	private static ResponseDefinition connectionReset(Duration delay) {
		ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.responseDefinition()
			.withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
		if (!delay.isZero()) {
			builder.withFixedDelay((int) Math.min(Integer.MAX_VALUE, delay.toMillis()));
		}
		return builder.build();
	}

	private static Answer statusAnswer(Fault fault, boolean apiEndpoint) {
		int status = fault.status();
		Answer answer = Answer.error(status, errorCode(status), "Simulated fault: HTTP " + status);
		if (fault.retryAfterSeconds() >= 0) {
			answer = answer.withHeader("Retry-After", Integer.toString(fault.retryAfterSeconds()));
		}
		if (apiEndpoint && status == 401) {
			answer = answer.withHeader("WWW-Authenticate", PosApi.INVALID_TOKEN_CHALLENGE);
		}
		return answer;
	}

	private static String errorCode(int status) {
		if (status >= 500) {
			return "server_error";
		}
		return switch (status) {
			case 400 -> "invalid_request";
			case 401 -> "invalid_token";
			case 403 -> "access_denied";
			case 404 -> "not_found";
			case 429 -> "too_many_requests";
			default -> "request_failed";
		};
	}

	private static Map<String, Object> tokenLike(boolean withWrongType) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (withWrongType) {
			body.put("access_token", "simulated-mac-token");
			body.put("token_type", "mac");
			body.put("mac_key", "simulated");
		}
		else {
			body.put("token_type", "Bearer");
		}
		body.put("expires_in", 3600);
		return body;
	}

}
