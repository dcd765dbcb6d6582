package com.chimpy.pos.auth.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.token.TokenEndpointException;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;

/**
 * Observes every token request of a delegate client as {@value #NAME} (a timer, and a span where tracing is set
 * up), tagged with {@code grant.type} ({@code password}, {@code refresh_token}), {@code outcome} ({@code success},
 * {@code rejected}: an OAuth2 error from the server; {@code unavailable}: no answer, 5xx or 429;
 * {@code unexpected_response}: an answer that is neither a token nor an OAuth2 error; {@code error},
 * {@code cancelled}) and {@value #ERROR_CODE} (the OAuth2 error code, or
 * {@code none}). Nothing secret is put into the observation.
 * <p>
 * The OAuth2 error code is not tagged as {@code error}: Micrometer's timer handler sets its own {@code error} tag
 * (the exception's class name) and would overwrite it, so the code would be lost from the metric.
 */
public final class ObservedTokenResponseClient
		implements ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> {

	/**
	 * The name of the observation.
	 */
	public static final String NAME = "pos.auth.token.request";

	/**
	 * The key of the OAuth2 error code ({@code invalid_grant}, {@code server_error}, ..., or {@code none}).
	 */
	public static final String ERROR_CODE = "oauth2.error";

	private final ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> delegate;

	private final ObservationRegistry registry;

	/**
	 * Create an observing client.
	 * @param delegate the client that sends the requests
	 * @param registry where observations go
	 */
	public ObservedTokenResponseClient(
			ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> delegate,
			ObservationRegistry registry) {
		Assert.notNull(delegate, "delegate must not be null");
		Assert.notNull(registry, "registry must not be null");
		this.delegate = delegate;
		this.registry = registry;
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(AbstractOAuth2AuthorizationGrantRequest grantRequest) {
		return Mono.defer(() -> {
			Observation observation = Observation.createNotStarted(NAME, this.registry)
				.contextualName("pos token request")
				.lowCardinalityKeyValue("grant.type", grantRequest.getGrantType().getValue())
				.start();
			return this.delegate.getTokenResponse(grantRequest)
				.doOnSuccess((response) -> stop(observation, "success", "none"))
				.doOnError((ex) -> {
					observation.error(ex);
					stop(observation, outcome(ex),
							(ex instanceof ClientAuthorizationException cae) ? cae.getError().getErrorCode() : "none");
				})
				.doOnCancel(() -> stop(observation, "cancelled", "none"));
		});
	}

	private static String outcome(Throwable ex) {
		if (ex instanceof TokenEndpointException tee) {
			return switch (tee.getKind()) {
				case REJECTED -> "rejected";
				case UNAVAILABLE -> "unavailable";
				case UNEXPECTED_RESPONSE -> "unexpected_response";
			};
		}
		if (TokenEndpointException.isTransient(ex)) {
			return "unavailable";
		}
		return (ex instanceof ClientAuthorizationException) ? "rejected" : "error";
	}

	private static void stop(Observation observation, String outcome, String error) {
		observation.lowCardinalityKeyValue("outcome", outcome).lowCardinalityKeyValue(ERROR_CODE, error).stop();
	}

}
