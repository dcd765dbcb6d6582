package com.chimpy.pos.auth.httpservice;

import org.springframework.web.service.annotation.GetExchange;

/**
 * An HTTP service interface of another group, which pos-auth must leave alone.
 */
interface OtherApi {

	@GetExchange("/stores")
	String stores();

}
