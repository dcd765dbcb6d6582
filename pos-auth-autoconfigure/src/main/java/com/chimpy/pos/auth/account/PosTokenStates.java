package com.chimpy.pos.auth.account;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The token states of all accounts: the default account's (the top-level
 * {@code pos.auth.username}, when there is one) and one per other account, created on
 * first use. Each account has everything a single account has: one cache, one flight, its
 * own credential guard, its own 401 backoff; no call ever gets another account's token.
 * <p>
 * The state of an account is created once however many calls name it at the same time:
 * the account is looked up once ({@link PosAccountResolver}) and one
 * {@link PosTokenState} is built. Serving an account whose state is held is a read from
 * memory. The state of an account that no call has named for the idle timeout is dropped
 * (with its tokens) and closed a little later, so that accounts touched once do not stay
 * forever; the next call looks the account up again. States that hold back password
 * grants after a rejection of the credentials are kept, so that dropping them never lets
 * a wrong password reach the server again; {@link #reset(String)} drops them. The default
 * account is never dropped.
 * <p>
 * An account that cannot be found, or whose lookup fails, fails the call that named it
 * with a {@link ClientAuthorizationException} naming the account (never a credential).
 * Time comes from the given {@link Clock} and {@link Scheduler}.
 */
public final class PosTokenStates implements AutoCloseable {

	/**
	 * The error code of a call that named an account nobody knows.
	 */
	public static final String UNKNOWN_ACCOUNT = "unknown_pos_account";

	/**
	 * The error code of a call whose account could not be looked up.
	 */
	public static final String ACCOUNT_LOOKUP_FAILED = "pos_account_lookup_failed";

	/**
	 * The error code of a call that named no account when there is no default account.
	 */
	public static final String NO_DEFAULT_ACCOUNT = "no_default_pos_account";

	private final @Nullable PosTokenState defaultState;

	private final ConcurrentHashMap<String, HeldAccount> held = new ConcurrentHashMap<>();

	private final IdleAccountEviction eviction;

	private final AccountLookup lookup;

	private final AccountCensus census = new AccountCensus(this.held.values());

	private final boolean singleAccount;

	/**
	 * Create the token states of all accounts.
	 * @param defaultState the default account's state, or {@code null} when calls must
	 * name their account
	 * @param resolver where the other accounts come from
	 * @param factory how an account's state is built
	 * @param idleTimeout how long an account's state is held after its last call
	 * @param clock where the time comes from
	 * @param scheduler where idle states are looked for and closed
	 */
	public PosTokenStates(@Nullable PosTokenState defaultState, PosAccountResolver resolver,
			PosTokenStateFactory factory, Duration idleTimeout, Clock clock, Scheduler scheduler) {
		this(defaultState, resolver, factory, idleTimeout, clock, scheduler, false);
	}

	private PosTokenStates(@Nullable PosTokenState defaultState, PosAccountResolver resolver,
			PosTokenStateFactory factory, Duration idleTimeout, Clock clock, Scheduler scheduler,
			boolean singleAccount) {
		Assert.notNull(resolver, "resolver must not be null");
		Assert.notNull(factory, "factory must not be null");
		Assert.isTrue(idleTimeout != null && idleTimeout.toMillis() > 0, "idleTimeout must be positive");
		Assert.notNull(clock, "clock must not be null");
		Assert.notNull(scheduler, "scheduler must not be null");
		this.defaultState = defaultState;
		this.eviction = new IdleAccountEviction(this.held, idleTimeout.toMillis(), clock, scheduler);
		this.lookup = new AccountLookup(this.held, resolver, factory, clock, this.eviction);
		this.singleAccount = singleAccount;
	}

	/**
	 * The token states of a single account: the given state is the default account and no
	 * other account exists: a call that names an account fails, and the managers answer
	 * every principal with this state.
	 * @param defaultState the state of the one account
	 * @return the token states
	 */
	public static PosTokenStates of(PosTokenState defaultState) {
		Assert.notNull(defaultState, "defaultState must not be null");
		return new PosTokenStates(defaultState, (name) -> Mono.empty(), (account) -> {
			throw new IllegalStateException("No account but the default one exists");
		}, Duration.ofMinutes(30), Clock.systemUTC(), Schedulers.parallel(), true);
	}

	/**
	 * The default account's token state.
	 * @return the state, or {@code null} when calls must name their account
	 */
	public @Nullable PosTokenState getDefault() {
		return this.defaultState;
	}

	/**
	 * The token state of the named account when it is held: a read from memory for
	 * callers on a hot path; otherwise {@code null}, and {@link #account(String)} is the
	 * way to it.
	 * @param accountName the account
	 * @return the state, or {@code null}
	 */
	public @Nullable PosTokenState held(String accountName) {
		HeldAccount entry = this.held.get(accountName);
		if (entry == null) {
			return null;
		}
		PosTokenState state = entry.getState();
		if (state != null) {
			this.eviction.touch(entry);
		}
		return state;
	}

	/**
	 * The token state of a call: the named account's, or the default account's when the
	 * call names none.
	 * @param accountName the account the call named, or {@code null}
	 * @return the state, or an error ({@link ClientAuthorizationException}) when the
	 * named account is unknown or there is no default account
	 */
	public Mono<PosTokenState> state(@Nullable String accountName) {
		return (accountName != null) ? account(accountName) : defaultAccount();
	}

	/**
	 * The default account's token state.
	 * @return the state, or an error ({@link ClientAuthorizationException}) when there is
	 * no default account
	 */
	public Mono<PosTokenState> defaultAccount() {
		PosTokenState state = this.defaultState;
		return (state != null) ? Mono.just(state) : Mono.error(AccountErrors.noDefaultAccount());
	}

	/**
	 * The token state of the named account, created (once) on first use.
	 * @param accountName the account
	 * @return the state, or an error ({@link ClientAuthorizationException}) when the
	 * account is unknown or could not be looked up
	 */
	public Mono<PosTokenState> account(String accountName) {
		if (this.singleAccount || !StringUtils.hasText(accountName)) {
			return Mono.error(new AccountErrors.UnknownAccountException(String.valueOf(accountName)));
		}
		PosTokenState ready = held(accountName);
		if (ready != null) {
			return Mono.just(ready);
		}
		return this.lookup.lookup(accountName);
	}

	/**
	 * The token state for a principal, as the authorized client managers choose it: the
	 * account of that name when there is one, else the default account.
	 * @param principalName the principal the authorize request named
	 * @return the state, or an error ({@link ClientAuthorizationException}) when the
	 * principal names no account and there is no default account, or the lookup failed
	 */
	public Mono<PosTokenState> principal(String principalName) {
		PosTokenState only = this.defaultState;
		if (this.singleAccount && only != null) {
			return Mono.just(only);
		}
		PosTokenState ready = held(principalName);
		if (ready != null) {
			return Mono.just(ready);
		}
		PosTokenState fallback = this.defaultState;
		if (fallback == null) {
			return account(principalName);
		}
		return account(principalName).onErrorResume(AccountErrors.UnknownAccountException.class,
				(ex) -> Mono.just(fallback));
	}

	/**
	 * Forget the rejections and failures of the named account (see
	 * {@link PosTokenState#reset()}) and drop its state, so that the next call looks the
	 * account up again (with corrected credentials, for example).
	 * @param accountName the account
	 * @return whether a state of that account was held
	 */
	public boolean reset(String accountName) {
		Assert.hasText(accountName, "accountName must not be empty");
		HeldAccount entry = this.held.get(accountName);
		PosTokenState state = (entry != null) ? entry.getState() : null;
		if (entry == null || state == null) {
			return false;
		}
		state.reset();
		if (this.held.remove(accountName, entry)) {
			this.eviction.closeLater(state);
		}
		return true;
	}

	/**
	 * Drop the states of accounts no call has named for the idle timeout (except those
	 * that hold back password grants after a rejection). Runs periodically on the
	 * scheduler once an account's state is held.
	 * @return how many states were dropped
	 */
	public int evictIdle() {
		return this.eviction.evictIdle();
	}

	/**
	 * How many accounts other than the default one have a token state held.
	 * @return the count
	 */
	public int getHeldCount() {
		return this.census.getHeldCount();
	}

	/**
	 * How many accounts other than the default one have stopped password grants after
	 * repeated rejections of their credentials.
	 * @return the count
	 */
	public int getStoppedCount() {
		return this.census.getStoppedCount();
	}

	/**
	 * How many accounts other than the default one are backing off: after a rejection of
	 * their credentials (not yet stopped) or a failure of the token endpoint.
	 * @return the count
	 */
	public int getBackingOffCount() {
		return this.census.getBackingOffCount();
	}

	/**
	 * The names of accounts other than the default one that have stopped password grants.
	 * @param max the most names to return
	 * @return up to {@code max} names
	 */
	public List<String> getStoppedAccounts(int max) {
		return this.census.getStoppedAccounts(max);
	}

	/**
	 * How many account states were created since start-up.
	 * @return the count
	 */
	public long getCreatedCount() {
		return this.lookup.getCreatedCount();
	}

	/**
	 * How many account states were dropped for being idle since start-up.
	 * @return the count
	 */
	public long getEvictedCount() {
		return this.eviction.getEvictedCount();
	}

	/**
	 * Close the states of all accounts other than the default one (whose owner closes it)
	 * and stop looking for idle ones; later calls that name an account fail.
	 */
	@Override
	public void close() {
		this.lookup.close();
		this.eviction.stop();
		for (HeldAccount entry : this.held.values()) {
			PosTokenState state = entry.getState();
			if (this.held.remove(entry.getName(), entry) && state != null) {
				state.close();
			}
		}
	}

}
