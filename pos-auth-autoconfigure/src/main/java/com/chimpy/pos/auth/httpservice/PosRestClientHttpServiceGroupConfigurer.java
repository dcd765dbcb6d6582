package com.chimpy.pos.auth.httpservice;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.restclient.PosBearerClientHttpRequestInterceptor;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.Assert;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

/**
 * Makes one {@code RestClient} HTTP service group (declared with
 * {@code @ImportHttpServices(group = ..., clientType = REST_CLIENT)}) a client of the PoS
 * API: its {@code RestClient} gets the API's base URL and a
 * {@link PosBearerClientHttpRequestInterceptor}, so every call of the group's HTTP
 * service proxies carries the bearer token (for the base URL's origin only) from the
 * shared {@link PosTokenState} and is replayed once after a 401. Every other group is
 * left alone.
 * <p>
 * It runs at {@value #ORDER}: after the configurers of Spring Boot that apply
 * {@code spring.http.serviceclient.*} properties and {@code RestClientCustomizer}s,
 * before the application's own configurers of the default order.
 */
public final class PosRestClientHttpServiceGroupConfigurer implements RestClientHttpServiceGroupConfigurer {

	/**
	 * The order of this configurer: after Spring Boot's group configurers, which apply
	 * {@code spring.http.serviceclient.<group>.*} properties (highest precedence) and
	 * {@code RestClientCustomizer}s (order 0), and before configurers of the default,
	 * lowest precedence.
	 */
	public static final int ORDER = 100;

	private final String groupName;

	private final String baseUrl;

	private final PosTokenStates tokenStates;

	private final Duration maxBlock;

	private @Nullable Supplier<? extends ClientHttpRequestFactory> requestFactory;

	/**
	 * Create a configurer.
	 * @param groupName the name of the HTTP service group to authenticate
	 * @param baseUrl the base URL of the PoS API for that group; only its origin receives
	 * the token
	 * @param tokenState where tokens come from
	 * @param maxBlock the longest a call waits for a token
	 */
	public PosRestClientHttpServiceGroupConfigurer(String groupName, String baseUrl, PosTokenState tokenState,
			Duration maxBlock) {
		this(groupName, baseUrl, PosTokenStates.of(tokenState), maxBlock);
	}

	/**
	 * Create a configurer for many accounts: a call chooses its account with
	 * {@code @RequestAttribute("pos.account")}.
	 * @param groupName the name of the HTTP service group to authenticate
	 * @param baseUrl the base URL of the PoS API for that group; only its origin receives
	 * the token
	 * @param tokenStates where the tokens of each account come from
	 * @param maxBlock the longest a call waits for a token
	 */
	public PosRestClientHttpServiceGroupConfigurer(String groupName, String baseUrl, PosTokenStates tokenStates,
			Duration maxBlock) {
		Assert.hasText(groupName, "groupName must not be empty");
		Assert.hasText(baseUrl, "baseUrl must not be empty");
		Assert.notNull(tokenStates, "tokenStates must not be null");
		Assert.notNull(maxBlock, "maxBlock must not be null");
		this.groupName = groupName;
		this.baseUrl = baseUrl;
		this.tokenStates = tokenStates;
		this.maxBlock = maxBlock;
	}

	/**
	 * Set where the group's request factory comes from (timeouts, SSL bundle, HTTP
	 * library). Asked only when the group exists. Without it the group keeps the request
	 * factory that earlier configurers set.
	 * @param requestFactory the request factory supplier, or {@code null} to keep the
	 * group's own
	 */
	public void setRequestFactory(@Nullable Supplier<? extends ClientHttpRequestFactory> requestFactory) {
		this.requestFactory = requestFactory;
	}

	/**
	 * The name of the group this configurer authenticates.
	 * @return the group name
	 */
	public String getGroupName() {
		return this.groupName;
	}

	@Override
	public void configureGroups(HttpServiceGroupConfigurer.Groups<RestClient.Builder> groups) {
		groups.filterByName(this.groupName).forEachClient((group, builder) -> configure(builder));
	}

	private void configure(RestClient.Builder builder) {
		builder.baseUrl(this.baseUrl);
		if (this.requestFactory != null) {
			builder.requestFactory(this.requestFactory.get());
		}
		builder.requestInterceptor(
				new PosBearerClientHttpRequestInterceptor(this.tokenStates, URI.create(this.baseUrl), this.maxBlock));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
