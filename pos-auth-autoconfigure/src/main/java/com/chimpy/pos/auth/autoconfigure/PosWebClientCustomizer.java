package com.chimpy.pos.auth.autoconfigure;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Customizes the builder of {@code posWebClient} (filters, codecs, default headers)
 * without replacing the bean. Applied after Boot's own {@code WebClientCustomizer}s and
 * after the base URL and connector are set; the authentication filter is added last, so
 * it is the closest to the network and replays see the other filters' changes.
 */
@FunctionalInterface
public interface PosWebClientCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder of {@code posWebClient}
	 */
	void customize(WebClient.Builder builder);

}
