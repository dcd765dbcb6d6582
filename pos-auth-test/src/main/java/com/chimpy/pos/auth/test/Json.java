package com.chimpy.pos.auth.test;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON reading and writing for the sandbox's request and response bodies. */
final class Json {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private Json() {
	}

	/**
	 * Writes a map, list or scalar as compact JSON.
	 * @param value the value
	 * @return the JSON text
	 */
	static String write(Object value) {
		return MAPPER.writeValueAsString(value);
	}

	/**
	 * Reads a JSON object whose members become strings (numbers and booleans as their
	 * JSON text, nested objects and arrays as JSON, {@code null} left out).
	 * @param text the text
	 * @return the members of the object as strings
	 * @throws IllegalArgumentException if the text is not a JSON object
	 */
	static Map<String, String> readFlatObject(String text) {
		JsonNode node = readTree(text);
		if (!node.isObject()) {
			throw new IllegalArgumentException("body is not a JSON object");
		}
		Map<String, String> fields = new LinkedHashMap<>();
		node.properties().forEach((entry) -> {
			JsonNode value = entry.getValue();
			if (value.isNull()) {
				return;
			}
			fields.put(entry.getKey(), value.isValueNode() ? value.asString() : value.toString());
		});
		return fields;
	}

	/**
	 * Reads any JSON value.
	 * @param text the text
	 * @return the JSON tree
	 * @throws IllegalArgumentException if the text is not JSON
	 */
	static JsonNode readTree(String text) {
		try {
			JsonNode node = MAPPER.readTree((text != null) ? text : "");
			if (node == null || node.isMissingNode()) {
				throw new IllegalArgumentException("body is empty");
			}
			return node;
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("body is not valid JSON", ex);
		}
	}

	/**
	 * Converts a JSON tree to plain Java maps, lists and scalars.
	 * @param node the node
	 * @return the plain Java value
	 */
	static Object toJava(JsonNode node) {
		return MAPPER.convertValue(node, Object.class);
	}

}
