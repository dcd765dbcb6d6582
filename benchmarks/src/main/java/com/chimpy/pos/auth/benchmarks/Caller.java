package com.chimpy.pos.auth.benchmarks;

import reactor.core.publisher.Mono;

/**
 * Whatever makes one call of the PoS API: a contender, a fleet of application instances,
 * one instance calling for many accounts.
 */
@FunctionalInterface
interface Caller {

	/**
	 * One authorized GET of the PoS API, its body read.
	 * @param id the id of the call
	 * @return the body of the answer
	 */
	Mono<String> call(long id);

}
