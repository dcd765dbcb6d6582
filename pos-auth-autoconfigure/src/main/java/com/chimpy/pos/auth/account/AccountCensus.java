package com.chimpy.pos.auth.account;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import com.chimpy.pos.auth.token.PosTokenState;

/**
 * Counts the held token states of accounts other than the default one by what they are
 * doing: held at all, stopped after repeated rejections of the credentials, or backing
 * off. Each answer is one pass over the held states, as they are at that moment.
 */
final class AccountCensus {

	private final Collection<HeldAccount> held;

	AccountCensus(Collection<HeldAccount> held) {
		this.held = held;
	}

	int getHeldCount() {
		int count = 0;
		for (HeldAccount entry : this.held) {
			if (entry.getState() != null) {
				count++;
			}
		}
		return count;
	}

	int getStoppedCount() {
		int count = 0;
		for (HeldAccount entry : this.held) {
			PosTokenState state = entry.getState();
			if (state != null && state.isStopped()) {
				count++;
			}
		}
		return count;
	}

	int getBackingOffCount() {
		int count = 0;
		for (HeldAccount entry : this.held) {
			PosTokenState state = entry.getState();
			if (state != null && !state.isStopped()
					&& (state.getCredentialRejection() != null || state.getTokenEndpointFailure() != null)) {
				count++;
			}
		}
		return count;
	}

	List<String> getStoppedAccounts(int max) {
		List<String> names = new ArrayList<>();
		for (HeldAccount entry : this.held) {
			PosTokenState state = entry.getState();
			if (names.size() >= max) {
				break;
			}
			if (state != null && state.isStopped()) {
				names.add(entry.getName());
			}
		}
		return names;
	}

}
