package com.chimpy.pos.auth.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls while renewals are held back fail at once, send nothing and get an error prepared
 * when the hold began: each caller gets its own copy (a shared instance would collect a
 * suppressed exception from every Reactor {@code block()}), without a stack trace of its
 * own, all with the same cause, code and message. Held back: after an outage whose next
 * attempt lies beyond {@code max-wait} with no valid token, while the credential guard
 * pauses password grants after a rejection, and once it has stopped them.
 * <p>
 * {@code max-wait} is 20 s and every held-back call must fail within 5 s, so a call that
 * waited for {@code max-wait} fails the test (bounded), without any assertion on speed.
 * Requests are counted from the journals of the token server and the PoS API.
 */
class HeldBackCallsTests {

	/** Longer than any held-back call may take, shorter than {@code max-wait}. */
	private static final Duration CALL_LIMIT = Duration.ofSeconds(5);

	@RegisterExtension
	final LifecycleServers servers = new LifecycleServers();

	/**
	 * Outage backoff with no valid token and the next attempt beyond {@code max-wait}
	 * (503 with {@code Retry-After: 120}).
	 */
	@Test
	void duringAnOutageBackoffBeyondMaxWaitCallsFailAtOnceAndSendNothing() {
		answerTokenRequests(aResponse().withStatus(503).withHeader("Retry-After", "120"));
		run((context) -> assertHeldBack(context, null));
	}

	/**
	 * The credential guard pauses password grants after a rejection
	 * ({@code rejection-backoff} 1 m).
	 */
	@Test
	void whileTheGuardPausesPasswordGrantsCallsFailAtOnceAndSendNothing() {
		answerTokenRequests(aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Wrong email or password.\"}"));
		run((context) -> assertHeldBack(context, "invalid_grant"));
	}

	/**
	 * The credential guard has stopped password grants ({@code too_many_attempts}).
	 */
	@Test
	void onceTheGuardHasStoppedCallsFailAtOnceAndSendNothing() {
		answerTokenRequests(aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"too_many_attempts\",\"error_description\":\"Your account has been blocked.\"}"));
		run((context) -> {
			assertHeldBack(context, "too_many_attempts");
			assertThat(context.getBean(PosTokenState.class).isStopped()).isTrue();
		});
	}

	/**
	 * The first call sends one token request and fails; then ten calls through
	 * {@code posWebClient}, the reactive manager and the token state fail within
	 * {@link #CALL_LIMIT}, all with copies of one prepared error, and neither journal
	 * grows.
	 */
	private void assertHeldBack(AssertableApplicationContext context, String errorCode) {
		WebClient client = context.getBean("posWebClient", WebClient.class);
		ReactiveOAuth2AuthorizedClientManager manager = context.getBean("posReactiveAuthorizedClientManager",
				ReactiveOAuth2AuthorizedClientManager.class);
		PosTokenState state = context.getBean(PosTokenState.class);
		Throwable first = error(call(client));
		assertThat(first).isInstanceOf(ClientAuthorizationException.class);
		assertThat(this.servers.tokens().count()).as("token requests of the first call").isEqualTo(1);
		List<Throwable> heldBack = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			heldBack.add(error(call(client)));
		}
		for (int i = 0; i < 3; i++) {
			heldBack.add(error(manager.authorize(TokenConcurrencyTests.request("caller-" + i))));
		}
		for (int i = 0; i < 2; i++) {
			heldBack.add(error(state.authorizedClient()));
		}
		Throwable shared = heldBack.get(0);
		assertThat(shared).isInstanceOf(ClientAuthorizationException.class);
		if (errorCode != null) {
			assertThat(((ClientAuthorizationException) shared).getError().getErrorCode()).isEqualTo(errorCode);
		}
		assertThat(shared.getCause()).as("the failure that holds requests back").isNotNull();
		for (int i = 0; i < heldBack.size(); i++) {
			Throwable ex = heldBack.get(i);
			assertThat(ex.getStackTrace()).as("stack trace of held-back call %d", i + 1).isEmpty();
			assertThat(ex.getCause()).as("cause of held-back call %d", i + 1).isSameAs(shared.getCause());
			assertThat(ex).as("held-back call %d", i + 1)
				.hasMessage(shared.getMessage())
				.isInstanceOf(ClientAuthorizationException.class);
			assertThat(((ClientAuthorizationException) ex).getError().getErrorCode())
				.isEqualTo(((ClientAuthorizationException) shared).getError().getErrorCode());
		}
		assertThat(this.servers.tokens().count()).as("token requests after the held-back calls").isEqualTo(1);
		assertThat(LifecycleFixture
			.settled(() -> this.servers.api().findAll(anyRequestedFor(urlPathMatching("/api/v2/.*")))))
			.as("PoS API requests")
			.isEmpty();
	}

	private void answerTokenRequests(ResponseDefinitionBuilder answer) {
		this.servers.tokens().replaceStubs(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).willReturn(answer));
	}

	private void run(ContextConsumer<AssertableApplicationContext> test) {
		this.servers.contextRunner()
			.withPropertyValues("pos.auth.max-wait=20s", "pos.auth.retry-backoff=100ms",
					"pos.auth.rejection-backoff=1m", "pos.auth.max-credential-rejections=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	private static Mono<String> call(WebClient client) {
		return client.get().uri("/orders").retrieve().bodyToMono(String.class);
	}

	/**
	 * The error the call ends with; the test fails if it succeeds or takes longer than
	 * {@link #CALL_LIMIT}.
	 */
	private static Throwable error(Mono<?> call) {
		Throwable error = call.then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(CALL_LIMIT);
		assertThat(error).as("error of a call that should fail").isNotNull();
		return error;
	}

}
