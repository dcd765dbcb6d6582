package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import com.chimpy.pos.auth.token.LifecycleFixture.TokenServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A caller that arrives just as a flight completes uses its result instead of starting
 * another token request for the same expiry.
 * <p>
 * The moment in question lies between a caller reading the held token (expired) and it
 * joining or starting a flight; it cannot be reached from outside, so the test makes it
 * likely instead: 64 threads (on a machine with far fewer cores, so most of them are
 * descheduled at any moment, many in the middle of a call) subscribe in a tight loop from
 * just after the token's expiry until the renewal has arrived, six expiries in a row. The
 * token state reads a clock that the test moves past each expiry at once and that stands
 * still while the threads race, so no caller can ever reach the next token's renewal
 * point: every token request beyond one per expiry is one too many. A token state that
 * re-reads the held token when it finds no flight never sends more than one token request
 * per expiry; one that does not sends extra ones (with the re-read removed, a run here
 * counted 8 token requests instead of 7). Counted from the token server's journal.
 */
class CallerAtFlightCompletionTests {

	private static final int CYCLES = 6;

	private static final int THREADS = 64;

	private TokenServer tokens;

	@BeforeEach
	void startServer() {
		this.tokens = new TokenServer();
	}

	@AfterEach
	void stopServer() {
		this.tokens.close();
	}

	@Test
	void callersAroundExpirySendOneTokenRequestPerExpiry() throws Exception {
		// 2 s tokens with refresh-ahead and hard point 50 ms before expiry: a cycle's
		// callers (which stop 20 ms after
		// they see the renewal) never reach the new token's refresh-ahead point, even on
		// a loaded machine, so every
		// token request in the journal is one that an expiry needed, or a second one for
		// the same expiry.
		this.tokens.issuing(2, 0, false);
		TokenRenewalSettings settings = new TokenRenewalSettings(Duration.ofMillis(50), Duration.ofMillis(50),
				Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(400),
				Duration.ofMillis(100), 3);
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		VirtualClock clock = new VirtualClock(time, Instant.parse("2026-01-01T00:00:00Z"));
		PosTokenState state = LifecycleFixture.tokenState(this.tokens.uri(), null, settings, clock);
		assertThat(state.authorizedClient().block(Duration.ofSeconds(10)).getAccessToken().getTokenValue())
			.isEqualTo("at-1");
		AtomicLong subscribed = new AtomicLong();
		AtomicLong succeeded = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		AtomicReference<Throwable> firstFailure = new AtomicReference<>();
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			for (int cycle = 0; cycle < CYCLES; cycle++) {
				Instant expiresAt = state.getExpiresAt();
				assertThat(expiresAt).isNotNull();
				// from just after expiry every caller needs the renewal
				time.advanceTimeBy(Duration.between(clock.instant(), expiresAt.plusMillis(5)));
				CountDownLatch done = new CountDownLatch(THREADS);
				for (int t = 0; t < THREADS; t++) {
					pool.submit(() -> {
						try {
							long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
							long renewedAt = 0;
							while (System.nanoTime() < stopAt) {
								subscribed.incrementAndGet();
								state.authorizedClient().subscribe((client) -> succeeded.incrementAndGet(), (ex) -> {
									firstFailure.compareAndSet(null, ex);
									failed.incrementAndGet();
								});
								if (renewedAt == 0 && !expiresAt.equals(state.getExpiresAt())) {
									renewedAt = System.nanoTime();
								}
								if (renewedAt != 0
										&& System.nanoTime() - renewedAt > TimeUnit.MILLISECONDS.toNanos(20)) {
									break;
								}
							}
						}
						finally {
							done.countDown();
						}
					});
				}
				assertThat(done.await(15, TimeUnit.SECONDS)).as("callers of cycle %d finished", cycle).isTrue();
				assertThat(state.getExpiresAt()).as("token renewed in cycle %d", cycle).isNotEqualTo(expiresAt);
			}
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> succeeded.get() + failed.get() == subscribed.get());
		assertThat(failed).as("failed callers (first: %s)", firstFailure.get()).hasValue(0);
		assertThat(subscribed.get()).as("callers").isGreaterThan((long) CYCLES * THREADS);
		// the clock stood still while the callers raced: each expiry needed exactly one
		// token request
		assertThat(LifecycleFixture.settled(this.tokens::requests))
			.as("token requests for the first token and %d expiries", CYCLES)
			.hasSize(1 + CYCLES);
	}

}
