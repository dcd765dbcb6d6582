package com.chimpy.pos.auth.account;

import java.util.function.Function;

import reactor.util.context.Context;

import org.springframework.util.Assert;

/**
 * How a call chooses its account. With neither the request attribute nor the Reactor
 * context entry, a call uses the default account (the top-level
 * {@code pos.auth.username}). <pre>
 * posWebClient.get().uri("/stores").attribute(PosAccounts.ATTRIBUTE, "store-17")...
 * posRestClient.get().uri("/stores").attribute(PosAccounts.ATTRIBUTE, "store-17")...
 * flow.contextWrite(PosAccounts.withAccount("store-17"))
 * </pre>
 */
public final class PosAccounts {

	/**
	 * The request attribute ({@code WebClient}, {@code RestClient}, HTTP service clients
	 * with {@code @RequestAttribute}) that names the account of a call; its value is a
	 * {@code String}.
	 */
	public static final String ATTRIBUTE = "pos.account";

	/**
	 * The Reactor context key that names the account of every call of a reactive flow; a
	 * request attribute takes precedence.
	 */
	public static final String CONTEXT_KEY = "pos.account";

	private PosAccounts() {
	}

	/**
	 * A context writer that makes every PoS API call of a reactive flow use the given
	 * account: {@code flow.contextWrite(PosAccounts.withAccount("store-17"))}.
	 * @param accountName the account
	 * @return the context writer
	 */
	public static Function<Context, Context> withAccount(String accountName) {
		Assert.hasText(accountName, "accountName must not be empty");
		return (context) -> context.put(CONTEXT_KEY, accountName);
	}

}
