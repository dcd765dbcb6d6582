package com.chimpy.pos.auth.account;

import reactor.core.publisher.Mono;

/**
 * Supplies accounts at run time, by name, for example from the application's database or
 * vault. Define a bean of this type and calls may name any account it knows.
 * <p>
 * Accounts of the {@code pos.auth.accounts.*} properties are consulted first. pos-auth
 * asks once per account while it holds the account's token state (again after the state
 * was dropped for being idle) and never logs what it returns. An empty answer means the
 * account is unknown; an empty answer or an error fails the call that named the account
 * (and only that call) with a
 * {@link org.springframework.security.oauth2.client.ClientAuthorizationException} naming
 * the account.
 */
@FunctionalInterface
public interface PosAccountResolver {

	/**
	 * The account of the given name.
	 * @param accountName the name a call chose
	 * @return the account, or empty when there is none of that name
	 */
	Mono<PosAccount> resolve(String accountName);

}
