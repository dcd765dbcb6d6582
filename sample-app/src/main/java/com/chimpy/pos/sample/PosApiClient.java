package com.chimpy.pos.sample;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * A typed client of the PoS API, declared as an HTTP service interface: Spring builds the
 * implementation, and because {@link PosApiClients} imports it into the HTTP service
 * group {@code pos}, pos-auth authenticates every call (base URL
 * {@code pos.api.base-url}, bearer token, one replay after a 401), over the same token as
 * {@code posWebClient}.
 */
@HttpExchange(accept = "application/json")
public interface PosApiClient {

	/**
	 * All stores.
	 * @return the stores
	 */
	@GetExchange("/stores")
	Stores stores();

	/**
	 * One store.
	 * @param id the store's id, for example {@code store-001}
	 * @return the store
	 */
	@GetExchange("/stores/{id}")
	Store store(@PathVariable String id);

	/**
	 * All products.
	 * @return the products
	 */
	@GetExchange("/products")
	Products products();

	/**
	 * Place an order.
	 * @param order the store and the lines of the order
	 * @return the order as created
	 */
	@PostExchange(url = "/orders", contentType = "application/json")
	Order placeOrder(@RequestBody NewOrder order);

	/**
	 * A store.
	 *
	 * @param id the id
	 * @param name the name
	 * @param city the city
	 * @param currency the currency code
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Store(String id, String name, String city, String currency) {
	}

	/**
	 * The list of stores.
	 *
	 * @param count how many there are
	 * @param items the stores
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Stores(int count, List<Store> items) {
	}

	/**
	 * A product.
	 *
	 * @param id the id
	 * @param name the name
	 * @param priceCents the price in cents
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Product(String id, String name, int priceCents) {
	}

	/**
	 * The list of products.
	 *
	 * @param count how many there are
	 * @param items the products
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Products(int count, List<Product> items) {
	}

	/**
	 * A line of an order.
	 *
	 * @param productId the product
	 * @param qty the quantity
	 */
	record OrderLine(String productId, int qty) {
	}

	/**
	 * An order to place.
	 *
	 * @param storeId the store
	 * @param lines the lines
	 */
	record NewOrder(String storeId, List<OrderLine> lines) {
	}

	/**
	 * An order as created.
	 *
	 * @param id the order's id
	 * @param status its status, for example {@code created}
	 * @param storeId the store
	 * @param lines the lines
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Order(String id, String status, String storeId, List<OrderLine> lines) {
	}

}
