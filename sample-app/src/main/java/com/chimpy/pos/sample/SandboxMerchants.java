package com.chimpy.pos.sample;

import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.account.PosAccount;
import com.chimpy.pos.auth.account.PosAccountResolver;
import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The merchants' PoS accounts, looked up at run time by name as an application would from
 * its database or vault: here the users {@code merchant-1} and {@code merchant-2} of the
 * in-process sandbox. Against a real PoS it knows no account.
 */
@Component
final class SandboxMerchants implements PosAccountResolver {

	private final ObjectProvider<PosSandbox> sandbox;

	SandboxMerchants(ObjectProvider<PosSandbox> sandbox) {
		this.sandbox = sandbox;
	}

	@Override
	public Mono<PosAccount> resolve(String accountName) {
		PosSandbox server = this.sandbox.getIfAvailable();
		if (server == null || !accountName.startsWith("merchant-") || !server.usernames().contains(accountName)) {
			return Mono.empty();
		}
		return Mono.just(PosAccount.of(accountName, accountName, server.password(accountName)));
	}

}
