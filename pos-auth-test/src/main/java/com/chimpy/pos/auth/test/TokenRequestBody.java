package com.chimpy.pos.auth.test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the fields of a token request body, sent either as {@code application/json} or as
 * {@code application/x-www-form-urlencoded}.
 */
final class TokenRequestBody {

	private TokenRequestBody() {
	}

	/**
	 * The fields of a body whose format the content type names.
	 * @param contentType the request's {@code Content-Type}, may be {@code null}
	 * @param body the body text
	 * @return the fields of a body whose format the content type names
	 * @throws IllegalArgumentException if the content type is neither JSON nor a form, or
	 * the body is malformed
	 */
	static Map<String, String> parse(String contentType, String body) {
		String type = (contentType != null) ? contentType.toLowerCase(Locale.ROOT) : "";
		if (type.startsWith("application/json") || type.contains("+json")) {
			return Json.readFlatObject(body);
		}
		if (type.startsWith("application/x-www-form-urlencoded")) {
			return parseForm(body);
		}
		throw new IllegalArgumentException(
				"Content-Type must be application/json or application/x-www-form-urlencoded");
	}

	/**
	 * The fields of a body, guessing the format when the content type does not name it;
	 * an empty map when the body cannot be read. For the journal, which must not fail on
	 * odd requests.
	 * @param contentType the content type
	 * @param body the body
	 * @return the fields of the body, or an empty map when it cannot be read
	 */
	static Map<String, String> parseLeniently(String contentType, String body) {
		try {
			return parse(contentType, body);
		}
		catch (IllegalArgumentException ex) {
			try {
				String text = (body != null) ? body.strip() : "";
				return text.startsWith("{") ? Json.readFlatObject(text) : parseForm(text);
			}
			catch (IllegalArgumentException ignored) {
				return Collections.emptyMap();
			}
		}
	}

	private static Map<String, String> parseForm(String body) {
		Map<String, String> fields = new LinkedHashMap<>();
		if (body == null || body.isBlank()) {
			return fields;
		}
		for (String pair : body.strip().split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = (equals >= 0) ? pair.substring(0, equals) : pair;
			String value = (equals >= 0) ? pair.substring(equals + 1) : "";
			fields.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
					URLDecoder.decode(value, StandardCharsets.UTF_8));
		}
		return fields;
	}

}
