package com.chimpy.pos.auth.httpservice;

import reactor.core.publisher.Mono;

import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * A reactive HTTP service interface for the sandbox's PoS API, for a {@code WebClient}
 * group.
 */
@HttpExchange(accept = "application/json")
interface ReactiveStoresApi {

	@GetExchange("/stores")
	Mono<String> stores();

	@GetExchange("/products")
	Mono<String> products();

}
