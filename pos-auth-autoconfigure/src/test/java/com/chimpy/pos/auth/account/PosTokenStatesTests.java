package com.chimpy.pos.auth.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import com.chimpy.pos.auth.token.InMemoryPosTokenStore;
import com.chimpy.pos.auth.token.PasswordGrantRequest;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.TokenRenewalSettings;
import com.chimpy.pos.auth.token.VirtualClock;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link PosTokenStates} on its own, in virtual time: one state per account however many
 * first calls race, idle states dropped and closed, the default account kept, lookups
 * that fail or find nothing failing only the call.
 */
class PosTokenStatesTests {

	private static final Duration IDLE = Duration.ofMinutes(30);

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private final Clock clock = new VirtualClock(this.scheduler, Instant.EPOCH);

	private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();

	private final AtomicInteger created = new AtomicInteger();

	private final PosAccountResolver resolver = (name) -> {
		this.lookups.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
		if (name.startsWith("missing")) {
			return Mono.empty();
		}
		if (name.startsWith("broken")) {
			return Mono.error(new IllegalStateException("vault sealed"));
		}
		return Mono.just(PosAccount.of(name, "user-" + name, "secret-" + name));
	};

	private final PosTokenState defaultState = state(PosAccount.of("default", "user-default", "secret-default"));

	private final PosTokenStates states = new PosTokenStates(this.defaultState, this.resolver, this::created, IDLE,
			this.clock, this.scheduler);

	@AfterEach
	void close() {
		this.states.close();
		this.defaultState.close();
		this.scheduler.dispose();
	}

	@Test
	void concurrentFirstCallsOfAnAccountShareOneLookupOneStateAndOneGrant() throws Exception {
		int threads = 16;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			for (int account = 0; account < 50; account++) {
				String name = "store-" + account;
				CountDownLatch start = new CountDownLatch(1);
				List<Future<String>> calls = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					calls.add(executor.submit(() -> {
						start.await();
						return this.states.account(name)
							.flatMap(PosTokenState::authorizedClient)
							.map((client) -> client.getAccessToken().getTokenValue())
							.block(Duration.ofSeconds(10));
					}));
				}
				start.countDown();
				for (Future<String> call : calls) {
					assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("token-of-user-" + name);
				}
				assertThat(this.lookups.get(name)).hasValue(1);
				assertThat(this.grants.get("user-" + name)).hasValue(1);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.created).hasValue(50);
		assertThat(this.states.getHeldCount()).isEqualTo(50);
	}

	@Test
	void callsWithoutAccountUseTheDefaultAndHeldIsAReadFromMemory() {
		assertThat(this.states.state(null).block()).isSameAs(this.defaultState);
		assertThat(this.states.held("store-1")).isNull();
		PosTokenState state = this.states.account("store-1").block();
		assertThat(this.states.held("store-1")).isSameAs(state);
		assertThat(state.getName()).isEqualTo("pos/store-1");
	}

	@Test
	void unknownAndFailingAccountsFailOnlyTheCallAndAreAskedForAgain() {
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> this.states.account("missing-1").block())
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(PosTokenStates.UNKNOWN_ACCOUNT))
			.withMessageContaining("'missing-1'");
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> this.states.account("broken-1").block())
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(PosTokenStates.ACCOUNT_LOOKUP_FAILED))
			.withMessageContaining("'broken-1'")
			.withMessageNotContaining("secret");
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> this.states.account("missing-1").block());
		assertThat(this.lookups.get("missing-1")).hasValue(2);
		assertThat(this.states.getHeldCount()).isZero();
		assertThat(this.states.account("store-1").block()).isNotNull();
	}

	@Test
	void principalNamesAnAccountOrFallsBackToTheDefault() {
		assertThat(this.states.principal("store-4").block().getName()).isEqualTo("pos/store-4");
		assertThat(this.states.principal("missing-user").block()).isSameAs(this.defaultState);
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> this.states.principal("broken-2").block());
	}

	@Test
	void withoutDefaultAccountACallThatNamesNoneFails() {
		PosTokenStates noDefault = new PosTokenStates(null, this.resolver, this::created, IDLE, this.clock,
				this.scheduler);
		assertThatExceptionOfType(ClientAuthorizationException.class).isThrownBy(() -> noDefault.state(null).block())
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(PosTokenStates.NO_DEFAULT_ACCOUNT));
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> noDefault.principal("missing-user").block())
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo(PosTokenStates.UNKNOWN_ACCOUNT));
		noDefault.close();
	}

	@Test
	void accountsTouchedOnceAreDroppedAfterTheIdleTimeoutAndClosed() {
		for (int i = 0; i < 10_000; i++) {
			this.states.account("store-" + i).block();
		}
		PosTokenState first = this.states.held("store-0");
		assertThat(this.states.getHeldCount()).isEqualTo(10_000);
		this.scheduler.advanceTimeBy(IDLE.minusMinutes(1));
		assertThat(this.states.getHeldCount()).isEqualTo(10_000);
		// store-1 keeps being used; the others are not
		for (int minute = 0; minute < 40; minute++) {
			this.states.account("store-1").block();
			this.scheduler.advanceTimeBy(Duration.ofMinutes(1));
		}
		assertThat(this.states.getHeldCount()).isEqualTo(1);
		assertThat(this.states.held("store-1")).isNotNull();
		assertThat(this.states.getEvictedCount()).isEqualTo(9_999);
		assertThat(this.states.getDefault()).isSameAs(this.defaultState);
		// The dropped state is closed once calls that took it are done
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> first.authorizedClient().block(Duration.ofSeconds(5)))
			.withMessageContaining("is closed");
		// The next call looks the account up again and gets a new state
		assertThat(this.states.account("store-0").block()).isNotSameAs(first);
		assertThat(this.lookups.get("store-0")).hasValue(2);
	}

	@Test
	void resetDropsTheStateSoTheAccountIsLookedUpAgain() {
		PosTokenState state = this.states.account("store-9").block();
		assertThat(this.states.reset("store-9")).isTrue();
		assertThat(this.states.held("store-9")).isNull();
		assertThat(this.states.account("store-9").block()).isNotSameAs(state);
		assertThat(this.lookups.get("store-9")).hasValue(2);
		assertThat(this.states.reset("store-unknown")).isFalse();
	}

	@Test
	void singleAccountStatesServeEveryPrincipalAndRejectNamedAccounts() {
		PosTokenStates single = PosTokenStates.of(this.defaultState);
		assertThat(single.principal("anyone").block()).isSameAs(this.defaultState);
		assertThatExceptionOfType(ClientAuthorizationException.class)
			.isThrownBy(() -> single.account("store-1").block());
		single.close();
	}

	private PosTokenState created(PosAccount account) {
		this.created.incrementAndGet();
		return state(account);
	}

	private PosTokenState state(PosAccount account) {
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId("client")
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri("http://127.0.0.1:9/oauth/token")
			.build();
		String username = account.getUsername();
		ReactiveOAuth2AuthorizedClientProvider password = (context) -> Mono.fromSupplier(() -> {
			this.grants.computeIfAbsent(username, (key) -> new AtomicInteger()).incrementAndGet();
			Instant now = this.clock.instant();
			OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "token-of-" + username,
					now, now.plus(Duration.ofHours(10)));
			return new OAuth2AuthorizedClient(registration, username, token);
		});
		ReactiveOAuth2AuthorizedClientProvider refresh = (context) -> Mono.empty();
		TokenRenewalSettings settings = new TokenRenewalSettings(Duration.ofMinutes(5), Duration.ofSeconds(30),
				Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofMinutes(2),
				Duration.ofMinutes(1), 3, Duration.ofSeconds(10), Duration.ofMinutes(5));
		return new PosTokenState(registration, password, refresh, settings, this.clock, this.scheduler,
				InMemoryPosTokenStore.INSTANCE, "key-" + username, "pos/" + account.getName());
	}

}
