package com.chimpy.pos.auth.httpservice;

import java.net.URI;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.webclient.PosBearerExchangeFilterFunction;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

/**
 * Makes one {@code WebClient} HTTP service group (declared with
 * {@code @ImportHttpServices(group = ..., clientType = WEB_CLIENT)}) a client of the PoS
 * API: its {@code WebClient} gets the API's base URL and a
 * {@link PosBearerExchangeFilterFunction}, so every call of the group's HTTP service
 * proxies carries the bearer token (for the base URL's origin only) from the shared
 * {@link PosTokenState}, never blocks a thread for it, and is replayed once after a 401.
 * Every other group is left alone.
 * <p>
 * The group's codecs never log request details: with them, Spring's exchange logging at
 * TRACE would print the request headers, the bearer token among them. It runs at
 * {@value #ORDER}: after the configurers of Spring Boot that apply
 * {@code spring.http.serviceclient.*} properties and {@code WebClientCustomizer}s (among
 * them the codecs' {@code spring.http.codecs.log-request-details}), before the
 * application's own configurers of the default order.
 */
public final class PosWebClientHttpServiceGroupConfigurer implements WebClientHttpServiceGroupConfigurer {

	/**
	 * The order of this configurer: after Spring Boot's group configurers, which apply
	 * {@code spring.http.serviceclient.<group>.*} properties (highest precedence) and
	 * {@code WebClientCustomizer}s (order 0), and before configurers of the default,
	 * lowest precedence.
	 */
	public static final int ORDER = 100;

	private final String groupName;

	private final String baseUrl;

	private final PosTokenStates tokenStates;

	private @Nullable Supplier<? extends ClientHttpConnector> connector;

	/**
	 * Create a configurer.
	 * @param groupName the name of the HTTP service group to authenticate
	 * @param baseUrl the base URL of the PoS API for that group; only its origin receives
	 * the token
	 * @param tokenState where tokens come from
	 */
	public PosWebClientHttpServiceGroupConfigurer(String groupName, String baseUrl, PosTokenState tokenState) {
		this(groupName, baseUrl, PosTokenStates.of(tokenState));
	}

	/**
	 * Create a configurer for many accounts: a call chooses its account with
	 * {@code @RequestAttribute("pos.account")} or the Reactor context entry
	 * {@code pos.account}.
	 * @param groupName the name of the HTTP service group to authenticate
	 * @param baseUrl the base URL of the PoS API for that group; only its origin receives
	 * the token
	 * @param tokenStates where the tokens of each account come from
	 */
	public PosWebClientHttpServiceGroupConfigurer(String groupName, String baseUrl, PosTokenStates tokenStates) {
		Assert.hasText(groupName, "groupName must not be empty");
		Assert.hasText(baseUrl, "baseUrl must not be empty");
		Assert.notNull(tokenStates, "tokenStates must not be null");
		this.groupName = groupName;
		this.baseUrl = baseUrl;
		this.tokenStates = tokenStates;
	}

	/**
	 * Set where the group's connector comes from (timeouts, SSL bundle, HTTP library).
	 * Asked only when the group exists. Without it the group keeps the connector that
	 * earlier configurers set.
	 * @param connector the connector supplier, or {@code null} to keep the group's own
	 */
	public void setConnector(@Nullable Supplier<? extends ClientHttpConnector> connector) {
		this.connector = connector;
	}

	/**
	 * The name of the group this configurer authenticates.
	 * @return the group name
	 */
	public String getGroupName() {
		return this.groupName;
	}

	@Override
	public void configureGroups(HttpServiceGroupConfigurer.Groups<WebClient.Builder> groups) {
		groups.filterByName(this.groupName).forEachClient((group, builder) -> configure(builder));
	}

	private void configure(WebClient.Builder builder) {
		builder.baseUrl(this.baseUrl);
		if (this.connector != null) {
			builder.clientConnector(this.connector.get());
		}
		builder.codecs((codecs) -> codecs.defaultCodecs().enableLoggingRequestDetails(false));
		builder.filter(new PosBearerExchangeFilterFunction(this.tokenStates, URI.create(this.baseUrl)));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
