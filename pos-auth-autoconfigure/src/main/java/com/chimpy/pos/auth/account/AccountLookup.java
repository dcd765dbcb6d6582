package com.chimpy.pos.auth.account;

import java.time.Clock;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.PosTokenState;

/**
 * The way to the token state of an account that is not held yet, single-flight per
 * account: however many calls name the account at the same time, the resolver is asked
 * once and one state is built from its answer. A lookup that fails or finds nothing fails
 * the calls that waited for it and is forgotten, so that the next call asks again.
 */
final class AccountLookup {

	private static final Log logger = LogFactory.getLog(PosTokenStates.class);

	private final ConcurrentMap<String, HeldAccount> held;

	private final PosAccountResolver resolver;

	private final PosTokenStateFactory factory;

	private final Clock clock;

	private final IdleAccountEviction eviction;

	private final LongAdder created = new LongAdder();

	private volatile boolean closed;

	AccountLookup(ConcurrentMap<String, HeldAccount> held, PosAccountResolver resolver, PosTokenStateFactory factory,
			Clock clock, IdleAccountEviction eviction) {
		this.held = held;
		this.resolver = resolver;
		this.factory = factory;
		this.clock = clock;
		this.eviction = eviction;
	}

	Mono<PosTokenState> lookup(String accountName) {
		return Mono.defer(() -> {
			if (this.closed) {
				return Mono.error(AccountErrors.closed());
			}
			HeldAccount entry = this.held.computeIfAbsent(accountName, this::newEntry);
			this.eviction.touch(entry);
			return entry.getPending();
		});
	}

	long getCreatedCount() {
		return this.created.sum();
	}

	void close() {
		this.closed = true;
	}

	private HeldAccount newEntry(String name) {
		return new HeldAccount(name, this::resolve);
	}

	private Mono<PosTokenState> resolve(HeldAccount entry) {
		String name = entry.getName();
		return Mono.defer(() -> this.resolver.resolve(name))
			.onErrorMap((ex) -> AccountErrors.lookupFailed(name, ex))
			.switchIfEmpty(Mono.error(() -> new AccountErrors.UnknownAccountException(name)))
			.map((account) -> open(entry, account))
			.doOnError((ex) -> this.held.remove(name, entry));
	}

	private PosTokenState open(HeldAccount entry, PosAccount account) {
		if (this.closed) {
			throw AccountErrors.closed();
		}
		PosTokenState state = this.factory.create(account);
		entry.hold(state, this.clock.millis());
		this.created.increment();
		this.eviction.start();
		if (logger.isDebugEnabled()) {
			logger.debug("Holding a token state for PoS account '" + entry.getName() + "'");
		}
		return state;
	}

}
