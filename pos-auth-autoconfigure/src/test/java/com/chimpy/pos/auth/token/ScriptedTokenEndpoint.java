package com.chimpy.pos.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * A token endpoint at the level of the token response client, for tests that run the
 * token lifecycle in virtual time. Each grant type answers from its own script, one
 * answer per request and then its standing answer (a fresh token unless told otherwise).
 * An answer is a token, an OAuth2 error, a {@link TokenEndpointException} of any
 * {@link TokenEndpointException.Kind kind}, any of those after a delay on the virtual
 * scheduler, or no answer at all. Every request is journaled when it is sent, with its
 * grant type, the refresh token it carried and the virtual time; requests given up by the
 * client (a timeout, {@code close()}) are journaled as cancelled.
 * <p>
 * Tokens are numbered in the order they are issued: {@code at-1}, {@code at-2}, ... with
 * refresh tokens {@code rt-1}, {@code rt-2}, ... when the answer carries one.
 */
final class ScriptedTokenEndpoint
		implements ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> {

	static final String PASSWORD = "password";

	static final String REFRESH_TOKEN = "refresh_token";

	private final Clock clock;

	private final Scheduler scheduler;

	private final Map<String, Deque<Answer>> scripts = new HashMap<>();

	private final Map<String, Answer> standing = new HashMap<>();

	private final List<Request> journal = new ArrayList<>();

	private final List<Instant> cancellations = new ArrayList<>();

	private final AtomicInteger issued = new AtomicInteger();

	ScriptedTokenEndpoint(Clock clock, Scheduler scheduler) {
		this.clock = clock;
		this.scheduler = scheduler;
		this.standing.put(PASSWORD, token(Duration.ofMinutes(1)));
		this.standing.put(REFRESH_TOKEN, token(Duration.ofMinutes(1)));
	}

	/**
	 * Answer the next requests of the grant type with the given answers, in order, after
	 * those scripted before.
	 */
	synchronized ScriptedTokenEndpoint then(String grantType, Answer... answers) {
		Deque<Answer> script = this.scripts.computeIfAbsent(grantType, (key) -> new ArrayDeque<>());
		script.addAll(List.of(answers));
		return this;
	}

	/**
	 * Answer every request of the grant type with the given answer once its script is
	 * used up.
	 */
	synchronized ScriptedTokenEndpoint always(String grantType, Answer answer) {
		this.standing.put(grantType, answer);
		return this;
	}

	/** Answer every request of both grant types with the given answer from now on. */
	synchronized ScriptedTokenEndpoint always(Answer answer) {
		return always(PASSWORD, answer).always(REFRESH_TOKEN, answer);
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(AbstractOAuth2AuthorizationGrantRequest request) {
		return Mono.defer(() -> {
			String grantType = request.getGrantType().getValue();
			String refreshToken = (request instanceof OAuth2RefreshTokenGrantRequest refresh)
					? refresh.getRefreshToken().getTokenValue() : null;
			Answer answer;
			synchronized (this) {
				Deque<Answer> script = this.scripts.get(grantType);
				Answer next = (script != null) ? script.poll() : null;
				answer = (next != null) ? next : this.standing.get(grantType);
				this.journal.add(new Request(grantType, refreshToken, this.clock.instant(), answer.description()));
			}
			return answer.response().apply(this).doOnCancel(() -> {
				synchronized (this) {
					this.cancellations.add(this.clock.instant());
				}
			});
		});
	}

	/** Every request so far, oldest first. */
	synchronized List<Request> requests() {
		return List.copyOf(this.journal);
	}

	/** The requests of one grant type so far, oldest first. */
	synchronized List<Request> requests(String grantType) {
		return this.journal.stream().filter((request) -> request.grantType().equals(grantType)).toList();
	}

	/** When each request was sent, oldest first. */
	synchronized List<Instant> requestTimes() {
		return this.journal.stream().map(Request::at).toList();
	}

	/** When the client gave up requests still waiting for their answer. */
	synchronized List<Instant> cancellations() {
		return List.copyOf(this.cancellations);
	}

	/**
	 * A token response issued now on the virtual clock. Spring Security's builder stamps
	 * a token with the system time, unless it starts from a response that carries its
	 * instants; a mock of that response is the template.
	 */
	private OAuth2AccessTokenResponse issue(Duration lifetime, boolean refresh) {
		int n = this.issued.incrementAndGet();
		Instant now = this.clock.instant();
		OAuth2AccessTokenResponse template = mock(OAuth2AccessTokenResponse.class);
		given(template.getAccessToken())
			.willReturn(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-" + n, now, now.plus(lifetime)));
		given(template.getRefreshToken()).willReturn(refresh ? new OAuth2RefreshToken("rt-" + n, now) : null);
		given(template.getAdditionalParameters()).willReturn(Map.of());
		return OAuth2AccessTokenResponse.withResponse(template).build();
	}

	/** A new token with the given lifetime and no refresh token. */
	static Answer token(Duration lifetime) {
		return new Answer("token", (endpoint) -> Mono.fromSupplier(() -> endpoint.issue(lifetime, false)));
	}

	/** A new token with the given lifetime and a new refresh token. */
	static Answer tokenWithRefreshToken(Duration lifetime) {
		return new Answer("token+refresh", (endpoint) -> Mono.fromSupplier(() -> endpoint.issue(lifetime, true)));
	}

	/**
	 * The authorization server's verdict: an OAuth2 error (for example
	 * {@code invalid_grant}), as the token response client reports a 4xx answer with an
	 * OAuth2 error body.
	 */
	static Answer oauth2Error(String errorCode) {
		return new Answer("error " + errorCode,
				(endpoint) -> Mono
					.error(() -> new TokenEndpointException(new OAuth2Error(errorCode, "rejected by the script", null),
							"pos", "The token endpoint answered HTTP 400 (" + errorCode + ")",
							TokenEndpointException.Kind.REJECTED, false, true, 400, null, null)));
	}

	/**
	 * A transient failure of the given kind: {@code requestSent} is {@code false} only
	 * for a request that provably never left (connection refused).
	 */
	static Answer failure(TokenEndpointException.Kind kind, boolean requestSent, int status,
			@Nullable Duration retryAfter) {
		return failure(kind, requestSent, status, retryAfter, (kind == TokenEndpointException.Kind.UNEXPECTED_RESPONSE)
				? PosTokenResponseClient.INVALID_TOKEN_RESPONSE : OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
	}

	/**
	 * A transient failure of the given kind, carrying the given OAuth2 error code (for
	 * example {@code server_error} for a 500, {@code too_many_requests} for Auth0's 429).
	 */
	static Answer failure(TokenEndpointException.Kind kind, boolean requestSent, int status,
			@Nullable Duration retryAfter, String code) {
		return new Answer(kind + ((status != 0) ? " " + status : "") + (requestSent ? "" : " (never sent)"),
				(endpoint) -> Mono.error(() -> new TokenEndpointException(new OAuth2Error(code, "scripted", null),
						"pos", "The token endpoint failed (" + kind + ", status " + status + ")", kind, true,
						requestSent, status, retryAfter, null)));
	}

	/** A transient outage of a request that reached the server (a 5xx, a reset). */
	static Answer unavailable() {
		return failure(TokenEndpointException.Kind.UNAVAILABLE, true, 500, null);
	}

	/** The given answer, after the given time on the virtual scheduler. */
	static Answer delayed(Duration delay, Answer answer) {
		return new Answer(answer.description() + " after " + delay.toMillis() + " ms",
				(endpoint) -> Mono.delay(delay, endpoint.scheduler).then(answer.response().apply(endpoint)));
	}

	/** No answer, ever: only the client's own timeout ends the request. */
	static Answer never() {
		return new Answer("no answer", (endpoint) -> Mono.never());
	}

	/**
	 * One answer of the endpoint.
	 *
	 * @param description what the journal says about it
	 * @param response the answer, built when the request is sent
	 */
	record Answer(String description, Function<ScriptedTokenEndpoint, Mono<OAuth2AccessTokenResponse>> response) {

	}

	/**
	 * A request as the endpoint saw it.
	 *
	 * @param grantType the grant type
	 * @param refreshToken the refresh token it carried, or {@code null}
	 * @param at when it was sent (virtual time)
	 * @param answer the answer it was given
	 */
	record Request(String grantType, @Nullable String refreshToken, Instant at, String answer) {

	}

}
