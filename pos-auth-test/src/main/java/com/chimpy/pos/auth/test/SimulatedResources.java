package com.chimpy.pos.auth.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;

/**
 * The made-up data behind the simulated PoS API: a few stores and products, and orders
 * that are echoed back. Every answer says {@code "simulated": true}.
 */
final class SimulatedResources {

	private static final List<Map<String, Object>> STORES = List.of(
			store("store-001", "Chimpy Central", "Lisbon", "EUR"), store("store-002", "Chimpy Harbour", "Porto", "EUR"),
			store("store-003", "Chimpy Riverside", "Coimbra", "EUR"));

	private static final List<Map<String, Object>> PRODUCTS = List.of(product("prod-espresso", "Espresso", 120),
			product("prod-cappuccino", "Cappuccino", 250), product("prod-croissant", "Butter croissant", 180),
			product("prod-water", "Still water 0.5 l", 100));

	private final AtomicLong orderSequence = new AtomicLong();

	/**
	 * All stores.
	 * @return all stores
	 */
	Map<String, Object> stores() {
		return list(STORES);
	}

	/**
	 * One store by id.
	 * @param id the id
	 * @return one store by id
	 */
	Optional<Map<String, Object>> store(String id) {
		return STORES.stream()
			.filter((store) -> id.equals(store.get("id")))
			.findFirst()
			.map(SimulatedResources::simulated);
	}

	/**
	 * All products.
	 * @return all products
	 */
	Map<String, Object> products() {
		return list(PRODUCTS);
	}

	/**
	 * Creates an order: the request's JSON object with an id, a status and the creating
	 * user added.
	 * @param order the posted JSON object
	 * @param subject the user of the access token
	 * @return the created order
	 */
	Map<String, Object> createOrder(JsonNode order, String subject) {
		Map<String, Object> created = new LinkedHashMap<>();
		created.put("id", String.format("ord-%06d", this.orderSequence.incrementAndGet()));
		created.put("status", "created");
		created.put("createdBy", subject);
		created.put("simulated", true);
		Object fields = Json.toJava(order);
		if (fields instanceof Map<?, ?> map) {
			map.forEach((name, value) -> created.putIfAbsent(String.valueOf(name), value));
		}
		return created;
	}

	private static Map<String, Object> list(List<Map<String, Object>> items) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("simulated", true);
		body.put("count", items.size());
		body.put("items", items);
		return body;
	}

	private static Map<String, Object> simulated(Map<String, Object> item) {
		Map<String, Object> body = new LinkedHashMap<>(item);
		body.put("simulated", true);
		return body;
	}

	private static Map<String, Object> store(String id, String name, String city, String currency) {
		Map<String, Object> store = new LinkedHashMap<>();
		store.put("id", id);
		store.put("name", name);
		store.put("city", city);
		store.put("currency", currency);
		return store;
	}

	private static Map<String, Object> product(String id, String name, int priceCents) {
		Map<String, Object> product = new LinkedHashMap<>();
		product.put("id", id);
		product.put("name", name);
		product.put("priceCents", priceCents);
		return product;
	}

}
