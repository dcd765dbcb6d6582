package com.chimpy.pos.auth.httpservice;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * A blocking HTTP service interface for the sandbox's PoS API, as an application would
 * declare it; usable by a {@code RestClient} group and a {@code WebClient} group alike.
 */
@HttpExchange(accept = "application/json")
interface StoresApi {

	@GetExchange("/stores")
	String stores();

	@GetExchange("/whoami")
	String whoami();

	@PostExchange(url = "/orders", contentType = "application/json")
	ResponseEntity<String> createOrder(@RequestHeader("X-Request-Id") String requestId, @RequestBody String order);

	/**
	 * A GET of an absolute URL, which replaces the group's base URL.
	 */
	@GetExchange
	String get(URI url);

}
