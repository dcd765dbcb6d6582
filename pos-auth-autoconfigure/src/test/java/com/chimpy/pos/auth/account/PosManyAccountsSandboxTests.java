package com.chimpy.pos.auth.account;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.autoconfigure.PosAuthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosAuthHealthAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosRestClientAutoConfiguration;
import com.chimpy.pos.auth.autoconfigure.PosWebClientAutoConfiguration;
import com.chimpy.pos.auth.health.PosAuthHealthIndicator;
import com.chimpy.pos.auth.test.ApiRequest;
import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Many accounts against the PoS sandbox with full auto-configuration: one password grant
 * per account however many cold calls race, no call ever carrying another account's token
 * (every API request of the sandbox's journal is checked against the account that made
 * it), a wrong password stopping only its own account, accounts from properties and from
 * an application's {@link PosAccountResolver}, and the managers choosing the account by
 * principal.
 */
class PosManyAccountsSandboxTests {

	private static final int ACCOUNTS = 200;

	private static final String WRONG = "store-3";

	private static PosSandbox sandbox;

	private final AtomicInteger lookups = new AtomicInteger();

	@BeforeAll
	static void startSandbox() {
		sandbox = PosSandbox.builder()
			.user(PosSandbox.DEFAULT_USERNAME, PosSandbox.DEFAULT_PASSWORD)
			.users("store", ACCOUNTS)
			.build()
			.start();
	}

	@AfterAll
	static void stopSandbox() {
		sandbox.close();
	}

	@BeforeEach
	void resetSandbox() {
		sandbox.clearFaults();
		sandbox.unblockUsers();
		sandbox.resetJournal();
	}

	@Test
	void coldCallsOnManyAccountsMakeOnePasswordGrantPerAccount() {
		runner(false).run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			List<String> accounts = stores(ACCOUNTS);
			List<String> answers = Flux.fromIterable(accounts)
				.flatMap((account) -> Flux.range(0, 10).flatMap((i) -> whoami(client, account), 10), 3)
				.collectList()
				.block(Duration.ofMinutes(3));
			assertThat(answers).hasSize(ACCOUNTS * 10);
			for (String account : accounts) {
				assertThat(sandbox.passwordGrants(account)).as(account).isEqualTo(1);
			}
			assertThat(sandbox.tokenRequests()).isEqualTo(ACCOUNTS);
			assertThat(this.lookups).hasValue(ACCOUNTS);
			assertEveryRequestCarriedItsCallersToken(ACCOUNTS * 10);
			assertThat(context.getBean(PosTokenStates.class).getHeldCount()).isEqualTo(ACCOUNTS);
		});
	}

	@Test
	void interleavedCallsNeverCarryAnotherAccountsToken() {
		runner(false).run((context) -> {
			WebClient webClient = context.getBean("posWebClient", WebClient.class);
			RestClient restClient = context.getBean("posRestClient", RestClient.class);
			List<String> accounts = stores(30);
			List<Mono<String>> calls = new ArrayList<>();
			for (int round = 0; round < 6; round++) {
				for (int i = 0; i < accounts.size(); i++) {
					String account = accounts.get(i);
					calls.add(switch ((round + i) % 3) {
						case 0 -> whoami(webClient, account);
						case 1 -> whoamiInContext(webClient, account);
						default -> Mono.fromCallable(() -> whoami(restClient, account))
							.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
					});
				}
			}
			Flux.fromIterable(calls.subList(0, calls.size() / 2)).flatMap(Function.identity(), 12).blockLast();
			// Every token is rejected from now on: each account renews its own and
			// replays
			sandbox.revokeAllTokens();
			Flux.fromIterable(calls.subList(calls.size() / 2, calls.size()))
				.flatMap(Function.identity(), 12)
				.blockLast(Duration.ofMinutes(2));
			assertThat(sandbox.apiRequests(401)).isBetween(1, accounts.size());
			assertEveryRequestCarriedItsCallersToken(calls.size() + sandbox.apiRequests(401));
		});
	}

	@Test
	void aWrongPasswordStopsOnlyItsOwnAccount() {
		runner(false, WRONG).withPropertyValues("pos.auth.max-credential-rejections=1").run((context) -> {
			WebClient client = context.getBean("posWebClient", WebClient.class);
			for (int attempt = 0; attempt < 3; attempt++) {
				assertThatException().isThrownBy(() -> whoami(client, WRONG).block(Duration.ofSeconds(30)))
					.satisfies((ex) -> assertThat(authorizationError(ex)).isNotNull())
					.withMessageNotContaining("wrong-password");
			}
			for (String account : stores(10)) {
				if (!account.equals(WRONG)) {
					assertThat(whoami(client, account).block(Duration.ofSeconds(30))).contains(sub(account));
				}
			}
			assertThat(sandbox.passwordGrants(WRONG)).isEqualTo(1);
			assertThat(sandbox.isBlocked(WRONG)).isFalse();
			PosTokenStates states = context.getBean(PosTokenStates.class);
			assertThat(states.getStoppedCount()).isEqualTo(1);
			Health health = context.getBean(PosAuthHealthIndicator.class).health();
			assertThat(health.getDetails()).containsEntry("stoppedAccountNames", List.of(WRONG))
				.containsEntry("stoppedAccounts", 1);
			assertThat(health.getStatus().getCode()).isEqualTo("UP");
			assertThat(health.toString()).doesNotContain("wrong-password");
		});
	}

	@Test
	void accountsFromPropertiesBesideTheDefaultAccount() {
		runner(true)
			.withPropertyValues("pos.auth.accounts.north.username=store-1",
					"pos.auth.accounts.north.password=" + PosSandbox.derivedPassword("store-1"))
			.run((context) -> {
				WebClient webClient = context.getBean("posWebClient", WebClient.class);
				RestClient restClient = context.getBean("posRestClient", RestClient.class);
				assertThat(webClient.get().uri("/whoami").retrieve().bodyToMono(String.class).block())
					.contains(sub(PosSandbox.DEFAULT_USERNAME));
				assertThat(webClient.get()
					.uri("/whoami")
					.attribute(PosAccounts.ATTRIBUTE, "north")
					.retrieve()
					.bodyToMono(String.class)
					.block()).contains(sub("store-1"));
				assertThat(webClient.get()
					.uri("/whoami")
					.retrieve()
					.bodyToMono(String.class)
					.contextWrite(PosAccounts.withAccount("north"))
					.block()).contains(sub("store-1"));
				assertThat(restClient.get()
					.uri("/whoami")
					.attribute(PosAccounts.ATTRIBUTE, "north")
					.retrieve()
					.body(String.class)).contains(sub("store-1"));
				int apiRequests = sandbox.apiRequests();
				assertThatException().isThrownBy(() -> whoami(webClient, "nowhere").block())
					.satisfies((ex) -> assertThat(authorizationError(ex).getError().getErrorCode())
						.isEqualTo(PosTokenStates.UNKNOWN_ACCOUNT))
					.withMessageContaining("nowhere");
				assertThatException()
					.isThrownBy(() -> restClient.get()
						.uri("/whoami")
						.attribute(PosAccounts.ATTRIBUTE, "nowhere")
						.retrieve()
						.body(String.class))
					.satisfies((ex) -> assertThat(authorizationError(ex)).isNotNull());
				// A run-time account is unknown here: no resolver bean
				assertThatException().isThrownBy(() -> whoami(webClient, "store-2").block())
					.satisfies((ex) -> assertThat(authorizationError(ex)).isNotNull());
				assertThat(sandbox.apiRequests()).isEqualTo(apiRequests);
			});
	}

	@Test
	void managersChooseTheAccountByPrincipal() {
		runner(true)
			.withPropertyValues("pos.auth.accounts.store-2.username=store-2",
					"pos.auth.accounts.store-2.password=" + PosSandbox.derivedPassword("store-2"))
			.run((context) -> {
				ReactiveOAuth2AuthorizedClientManager reactive = context.getBean("posReactiveAuthorizedClientManager",
						ReactiveOAuth2AuthorizedClientManager.class);
				OAuth2AuthorizedClientManager imperative = context.getBean("posAuthorizedClientManager",
						OAuth2AuthorizedClientManager.class);
				assertThat(subject(reactive.authorize(request("store-2")).block())).isEqualTo("store-2");
				assertThat(subject(imperative.authorize(request("store-2")))).isEqualTo("store-2");
				assertThat(subject(imperative.authorize(request("someone-else"))))
					.isEqualTo(PosSandbox.DEFAULT_USERNAME);
				assertThat(subject(reactive
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("pos")
						.principal("someone-else")
						.attribute(PosAccounts.ATTRIBUTE, "store-2")
						.build())
					.block())).isEqualTo("store-2");
			});
		runner(false).run((context) -> {
			OAuth2AuthorizedClientManager imperative = context.getBean("posAuthorizedClientManager",
					OAuth2AuthorizedClientManager.class);
			assertThat(subject(imperative.authorize(request("store-7")))).isEqualTo("store-7");
			assertThatExceptionOfType(ClientAuthorizationException.class)
				.isThrownBy(() -> imperative.authorize(request("someone-else")))
				.withMessageContaining("someone-else");
		});
	}

	private ApplicationContextRunner runner(boolean defaultAccount) {
		return runner(defaultAccount, null);
	}

	private ApplicationContextRunner runner(boolean defaultAccount, @Nullable String wrongPassword) {
		String[] properties = Arrays.stream(sandbox.springPropertyValues())
			.filter((pair) -> defaultAccount
					|| !(pair.startsWith("pos.auth.username=") || pair.startsWith("pos.auth.password=")))
			.toArray(String[]::new);
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PosAuthAutoConfiguration.class, PosWebClientAutoConfiguration.class,
							PosRestClientAutoConfiguration.class, PosAuthHealthAutoConfiguration.class))
			.withPropertyValues(properties);
		if (defaultAccount) {
			return runner;
		}
		return runner.withBean("merchantAccounts", PosAccountResolver.class, () -> (name) -> {
			this.lookups.incrementAndGet();
			if (!sandbox.usernames().contains(name)) {
				return Mono.empty();
			}
			String password = name.equals(wrongPassword) ? "wrong-password" : sandbox.password(name);
			return Mono.just(PosAccount.of(name, name, password));
		});
	}

	private static List<String> stores(int count) {
		List<String> names = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			names.add("store-" + i);
		}
		return names;
	}

	private static Mono<String> whoami(WebClient client, String account) {
		return client.get()
			.uri("/whoami?caller={account}", account)
			.attribute(PosAccounts.ATTRIBUTE, account)
			.retrieve()
			.bodyToMono(String.class)
			.doOnNext((body) -> assertThat(body).contains(sub(account)));
	}

	private static Mono<String> whoamiInContext(WebClient client, String account) {
		return client.get()
			.uri("/whoami?caller={account}", account)
			.retrieve()
			.bodyToMono(String.class)
			.doOnNext((body) -> assertThat(body).contains(sub(account)))
			.contextWrite(PosAccounts.withAccount(account));
	}

	private static String whoami(RestClient client, String account) {
		String body = client.get()
			.uri("/whoami?caller={account}", account)
			.attribute(PosAccounts.ATTRIBUTE, account)
			.retrieve()
			.body(String.class);
		assertThat(body).contains(sub(account));
		return body;
	}

	private static void assertEveryRequestCarriedItsCallersToken(int expected) {
		List<ApiRequest> log = sandbox.apiRequestLog();
		assertThat(log).hasSize(expected);
		for (ApiRequest request : log) {
			String caller = request.url().substring(request.url().indexOf("caller=") + "caller=".length());
			assertThat(request.user()).as(request.toString()).isEqualTo(caller);
		}
	}

	private static String sub(String username) {
		return "\"sub\":\"" + username + "\"";
	}

	private static OAuth2AuthorizeRequest request(String principal) {
		return OAuth2AuthorizeRequest.withClientRegistrationId("pos").principal(principal).build();
	}

	private static String subject(OAuth2AuthorizedClient client) {
		String payload = client.getAccessToken().getTokenValue().split("\\.")[1];
		String json = new String(Base64.getUrlDecoder().decode(payload));
		Map<String, Object> claims = tools.jackson.databind.json.JsonMapper.shared().readValue(json, Map.class);
		return (String) claims.get("sub");
	}

	private static ClientAuthorizationException authorizationError(Throwable ex) {
		Throwable cause = ex;
		while (cause != null) {
			if (cause instanceof ClientAuthorizationException authorization) {
				return authorization;
			}
			cause = cause.getCause();
		}
		return null;
	}

}
