package com.chimpy.pos.auth.benchmarks;

import java.time.Duration;

/**
 * The fixed prose of RESULTS.md: the set-up, what each number means, and where the run
 * deviates from the issue.
 */
final class Explanations {

	private Explanations() {
	}

	static String text(Benchmarks.Params p, Duration stockClockSkew) {
		return """
				## Set-up

				- **One JVM, one fake server.** `FakePosServer` (Reactor Netty `HttpServer` on 127.0.0.1, its own 2-thread
				  event loop) plays the token endpoint and the PoS API. The token endpoint answers after a configurable
				  latency (a non-blocking delay) with an opaque token of a configurable lifetime; it accepts the password
				  grant (JSON or form; a refresh token when `scope` holds `offline_access`), the refresh-token grant
				  (rotating, each refresh token good once) and the client-credentials grant (no refresh token, as RFC 6749
				  4.4.3 advises). `GET /api/**` answers 200 with a 40-byte JSON body to a token that was issued, has not
				  expired and was not revoked, and 401 otherwise. **All counts come from the server**, per `client_id`
				  (each contender in each scenario has its own); clients count nothing.
				- **(a) pos-auth `posWebClient`**: `PosTokenResponseClient` (JSON) + `PosTokenState` +
				  `PosBearerExchangeFilterFunction`, built with `new` exactly as `PosAuthAutoConfiguration` and
				  `PosWebClientAutoConfiguration` wire them, default settings (`TokenRenewalSettings.defaults()`:
				  refresh-ahead 5 min capped at half the lifetime, hard margin 30 s capped at a tenth), password grant with
				  `scope=offline_access`, so renewals use the refresh-token grant.
				- **(b) stock Spring Security 7**: `AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager` over an
				  `InMemoryReactiveOAuth2AuthorizedClientService`, provider from
				  `ReactiveOAuth2AuthorizedClientProviderBuilder` with `refreshToken()` and `clientCredentials()`
				  (`WebClientReactive*TokenResponseClient`), `ServerOAuth2AuthorizedClientExchangeFilterFunction` with
				  default registration `pos` and a `RemoveAuthorizedClientReactiveOAuth2AuthorizationFailureHandler` (so
				  a 401 forgets the token). **Security 7 ships no password grant, so (b) uses `client_credentials`**
				  against the same fake (form body, HTTP Basic client authentication). The fake issues no refresh token
				  for that grant, so (b)'s refresh-token provider never fires. The providers' clock skew is their default
				  of 60 s, or a tenth of the token lifetime when that is shorter (%s with the %d s tokens of scenario 2);
				  with the default 60 s and a 5 s token every call would fetch a new token.
				- **(c) the limit**: a plain `WebClient` with a fixed `Authorization: Bearer` header of a token the fake
				  issued directly (1 h lifetime unless stated), no filter, no token logic.
				- All three use the same connector: Reactor Netty `HttpClient` with its own `ConnectionProvider` per
				  contender and per purpose (API, token endpoint): 256 connections, unbounded acquire queue (the
				  Reactor Netty default queue of 2 x max connections would reject part of 1,000 concurrent calls for
				  every contender alike), 30 s response timeout; (a)'s token connector also has Reactor Netty's
				  transparent resend switched off, as pos-auth's auto-configuration builds it. Each call is
				  `get().uri("/stores/{id}").retrieve().bodyToMono(String.class)` with a 10 s timeout; a call fails when
				  it ends in an error (an HTTP error status, a token error or the timeout).
				- Client, fake server and load generator share the machine's cores; on 2 cores none of them is idle, so
				  absolute throughput is that of the whole set-up and the *ratios* are what compare the clients.

				## What each number means

				1. **Cold-start stampede**: %d calls subscribed at once on a fresh client, token latency 200 ms, token
				   lifetime 1 h. *Token requests*: what the token endpoint received from that client, by grant type.
				   *Most in flight*: the most token requests of that client the server was working on at the same time
				   (for (b) capped by its token connection pool of 256 connections; the rest queue in the client).
				   *Latency*: from subscribing a call to the end of its body. *Time*: until the last of the calls ended.
				2. **Expiry under load**: token lifetime %d s, token latency 300 ms, open-loop load of %d calls/s (%s,
				   whatever the answers do) for %s, after one warm-up call that obtains the first
				   token. *Token requests during the load* and their count per lifetime (load duration / token lifetime).
				   *Steady*: calls started after the first second and outside both kinds of window below. *1 s after each
				   expiry point*: calls started within one second after an issued token's expiry (server clock, the same
				   `System.nanoTime` as the client's); with pos-auth the token was replaced before, so these are the
				   moments a client without refresh-ahead would stall. *1 s after each token request*: calls started
				   within one second after a token request arrived at the server. (c) holds a 1 h token and is the
				   reference.
				3. **Overhead**: valid 1 h token, token latency 0. Closed loop of %d concurrent calls per contender.
				   Warm-up of %s per contender, then %d rounds; in each round every contender runs %s, the order rotating
				   from round to round and reversed every other round (interleaved, so drift of the machine hits all alike),
				   a full GC before each client's turn. *Throughput*: successful
				   calls per second of the round; *latency*: p50 and p99 of the round; each the median over rounds.
				   *Ratio*: (a) or (b) throughput divided by (c) throughput of the same round, median over rounds, with
				   the smallest and largest in brackets. *CPU time per call*: CPU time the whole process (client, fake
				   server, load generator) used during the round divided by the calls of the round; unlike throughput it
				   is less disturbed than throughput by other processes on the machine. *Heap allocated per call*: bytes
				   allocated by all threads of the process during the round (`ThreadMXBean`) divided by its calls, a
				   figure other processes cannot disturb. *(c')*: a fourth client run in the same
				   rounds, (c) with its fixed header set by a one-line `ExchangeFilterFunction`
				   (`ClientRequest.from(request).headers(..)`), to show what any filter-based client pays per call
				   before doing anything about tokens.
				4. **401 storm**: token lifetime 1 h, token latency 200 ms, closed loop of %d concurrent calls for %s
				   (so that many calls are in flight when it happens); half-way the server revokes every access token
				   (refresh tokens stay valid). *Token requests after the revocation*: all
				   token requests during the load (the tokens held before were valid for an hour). *401 answers*: API
				   requests the server rejected. *Replayed requests*: API requests the server received minus calls made
				   (a call that is replayed reaches the server twice). *Failed calls*: calls that ended in an error.
				5. **Memory**: token lifetime 2 s (renewals about every second for (a)), token latency 20 ms, closed loop
				   of %d concurrent calls, up to %,d calls or %s per contender, in the order (c), (a), (b). *Heap used
				   after full GC*: `MemoryMXBean` heap usage after three `System.gc()` while the contender is still
				   referenced; *growth*: that minus the same figure just before the contender was built, and the
				   difference to (c)'s growth. Expired and revoked tokens are purged from the fake server before each
				   measurement.

				## Where this run deviates from the issue

				- Scenario 2 runs %s per contender instead of 60 s, so that all scenarios of all three contenders fit in
				  the 5-minute budget; that is %.1f token lifetimes per contender.
				- Scenario 5 stops each contender at %,d calls or after %s, whichever comes first (the calls made are in
				  the table); at this machine's throughput a full 1,000,000 calls per contender would not fit the budget.
				- (b) uses `client_credentials` (Security 7 has no password grant), with the clock skew described above.
				- Everything runs in one JVM with default JVM flags (`java -jar`), on the cores the machine has.
				"""
			.formatted(stockClockSkew.toMillis() + " ms", p.expiryLifetime().toSeconds(), p.stampedeCalls(),
					p.expiryLifetime().toSeconds(), p.expiryRate(), cadence(p.expiryRate()), human(p.expiryDuration()),
					p.overheadConcurrency(), human(p.overheadWarmup()), p.overheadRounds(), human(p.overheadRound()),
					p.stormConcurrency(), human(p.stormDuration()), p.memoryConcurrency(), p.memoryCalls(),
					human(p.memoryMaxTime()), human(p.expiryDuration()),
					(double) p.expiryDuration().toMillis() / p.expiryLifetime().toMillis(), p.memoryCalls(),
					human(p.memoryMaxTime()));
	}

	/**
	 * What scenarios 6 and 7 do and what their numbers mean.
	 * @param p the sizes of the run
	 * @return the markdown
	 */
	static String fleetAndAccounts(Benchmarks.Params p) {
		Benchmarks.FleetSize f = p.fleet();
		Benchmarks.AccountsSize a = p.accounts();
		return """

				## Scenarios 6 and 7: pos-auth alone

				These two compare pos-auth with itself, so they have tables of their own. Each application instance is
				a Spring Boot application context in this JVM (no web server) with pos-auth's auto-configuration,
				its own `ReactorResourceFactory` (event loops of its own, as a separate process has) and `posWebClient`
				against the same fake server; the other two contenders have no counterpart of these features.

				6. **Fleet**: two fleets of %d instances each, one after the other: `pos.auth.token-store=memory` (each
				   instance its own token) and `pos.auth.token-store=redis` (one token for the fleet) against a real Redis
				   server (the binary of `com.github.codemonstur:embedded-redis`, started on a free loopback port, no
				   persistence). Each fleet has its own `client_id`, so the server counts each separately; the renewal
				   settings are the defaults (renewal ahead at half the lifetime for these short tokens). Token lifetime
				   %s, token latency %d ms. *Cold start*: %d calls at once, 4 per instance, on a freshly started fleet.
				   Then an open-loop load of %d calls/s over the whole fleet (the instances in turn) for %d lifetimes
				   (%s). *Token requests per lifetime*: token requests during the load divided by %d. *Rejected*: token
				   requests the server answered with an error; a refresh token sent a second time (after another
				   instance had used it) would be one. *Steady*: calls started after the first second and not within
				   %d ms after a token request arrived; *after each token request*: calls started within those %d ms
				   (the renewal points). *Hot path*: the server then issues 1 h tokens with no latency; each fleet runs
				   a closed loop of %d concurrent calls for %s so that every instance renews into a 1 h token, then %d
				   interleaved round(s) of %s per fleet (the order alternating, a full GC before each), closed loop of
				   %d concurrent calls. *Ratio*: throughput with the store divided by throughput without it in the same
				   round, median over rounds with the smallest and largest in brackets; *CPU per call* as in scenario 3.
				   No token request is expected during these rounds (the row says how many there were), so they measure
				   the per-call path only: the read of the token an instance holds.
				7. **Many accounts**: one instance with a default account (`pos.auth.username`) and %,d further accounts
				   supplied by a `PosAccountResolver` bean (each its own user at the fake server), chosen per call with the
				   request attribute `pos.account`; `pos.auth.account-idle-timeout=%s`; token lifetime 1 h, token latency
				   %d ms. First a closed loop of %d concurrent calls on the single-account path (no attribute) for
				   500 ms, then a full GC: *before the accounts*. Then %,d first calls, %d per account, one account's
				   calls following each other (so they are in flight together while its first token is requested),
				   closed loop of %d concurrent calls. *Token requests per account*: what the server received for each
				   account's user (password and refresh-token grants) after these calls. Until the heap is measured, every held account is
				   also used every 500 ms (`PosTokenStates.held`), so that none is dropped as idle before the end
				   however slowly the load reaches it. Then %d interleaved round(s) of
				   %s per path, closed loop of %d concurrent calls, calls spread over all accounts (the account of call
				   *i* is *i* modulo %,d; these first in rounds 1, 3, ...) vs. the single account; *ratio*: accounts /
				   single account of the same round; *token requests during the rounds*: any would be an account dropped as idle and looked
				   up again. *Heap*: `MemoryMXBean` heap in use after three `System.gc()`; before that measurement the fake server forgets the tokens it issued to
				   this client (otherwise its copies would count as the accounts' memory) and every account is used once
				   more (so none is idle yet). *Per held account*: (held - before) / accounts held (%,d unless the
				   table says fewer), which includes whatever else the run left on the heap, and (held - after
				   eviction) / accounts held, the accounts' states alone. *After
				   eviction*: the run waits until no account is held (at most 4 idle timeouts) plus one more idle timeout
				   plus 500 ms (a dropped state is closed one idle timeout after it was dropped), then measures again.
				"""
			.formatted(f.instances(), human(f.lifetime()), FleetScenario.TOKEN_LATENCY.toMillis(), f.instances() * 4,
					f.rate(), f.lifetimes(), human(f.lifetime().multipliedBy(f.lifetimes())), f.lifetimes(),
					FleetScenario.RENEWAL_WINDOW.toMillis(), FleetScenario.RENEWAL_WINDOW.toMillis(), f.concurrency(),
					human(f.lifetime().plusMillis(500)), f.rounds(), human(f.round()), f.concurrency(), a.accounts(),
					human(a.idleTimeout()), AccountsScenario.TOKEN_LATENCY.toMillis(), a.concurrency(),
					a.accounts() * a.callsPerAccount(), a.callsPerAccount(), a.concurrency(), a.rounds(),
					human(a.round()), a.concurrency(), a.accounts(), a.accounts());
	}

	private static String cadence(int ratePerSecond) {
		return (ratePerSecond <= 1000)
				? "one call every " + String.format(java.util.Locale.ROOT, "%.1f", 1000.0 / ratePerSecond) + " ms"
				: (ratePerSecond / 1000) + " calls every millisecond";
	}

	private static String human(Duration duration) {
		long ms = duration.toMillis();
		return (ms % 1000 == 0) ? (ms / 1000) + " s" : ms + " ms";
	}

}
