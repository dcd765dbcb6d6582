package com.chimpy.pos.auth.account;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.PosTokenState;

/**
 * One account's entry among the held token states: its name, the one lookup that all
 * first calls of the account share, the state once it is built, and when a call last
 * named the account.
 */
final class HeldAccount {

	private final String name;

	private final Mono<PosTokenState> pending;

	private volatile @Nullable PosTokenState state;

	private volatile long lastUsed;

	HeldAccount(String name, Function<HeldAccount, Mono<PosTokenState>> lookup) {
		this.name = name;
		this.pending = lookup.apply(this).cache();
	}

	String getName() {
		return this.name;
	}

	Mono<PosTokenState> getPending() {
		return this.pending;
	}

	@Nullable PosTokenState getState() {
		return this.state;
	}

	long getLastUsed() {
		return this.lastUsed;
	}

	void setLastUsed(long lastUsed) {
		this.lastUsed = lastUsed;
	}

	void hold(PosTokenState state, long now) {
		// the time first, so that a sweep that sees the state never sees it unused
		this.lastUsed = now;
		this.state = state;
	}

}
