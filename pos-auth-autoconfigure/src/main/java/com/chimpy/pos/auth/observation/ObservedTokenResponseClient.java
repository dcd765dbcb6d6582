package com.chimpy.pos.auth.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.observation.PosTokenRequestObservationContext.Outcome;
import com.chimpy.pos.auth.token.TokenEndpointException;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.Assert;

/**
 * Observes every token request of a delegate client as {@value #NAME} (a timer, and a
 * span where tracing is set up), tagged with {@code grant.type} ({@code password},
 * {@code refresh_token}), {@code outcome} ({@code success}, {@code rejected}: an OAuth2
 * error from the server; {@code unavailable}: no answer, 5xx or 429;
 * {@code unexpected_response}: an answer that is neither a token nor an OAuth2 error;
 * {@code error}, {@code cancelled}) and {@value #ERROR_CODE} (the OAuth2 error code, or
 * {@code none}). Nothing secret is put into the observation.
 * <p>
 * The name and the tags come from a {@link PosTokenRequestObservationConvention}: the one
 * {@link #setObservationConvention(PosTokenRequestObservationConvention) set} here, else
 * a global convention for {@link PosTokenRequestObservationContext} registered with the
 * {@link ObservationRegistry}, else {@link DefaultPosTokenRequestObservationConvention}.
 * <p>
 * The OAuth2 error code is not tagged as {@code error}: Micrometer's timer handler sets
 * its own {@code error} tag (the exception's class name) and would overwrite it, so the
 * code would be lost from the metric.
 */
public final class ObservedTokenResponseClient
		implements ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> {

	/**
	 * The name of the observation.
	 */
	public static final String NAME = "pos.auth.token.request";

	/**
	 * The key of the OAuth2 error code ({@code invalid_grant}, {@code server_error}, ...,
	 * or {@code none}).
	 */
	public static final String ERROR_CODE = "oauth2.error";

	private static final PosTokenRequestObservationConvention DEFAULT_CONVENTION = new DefaultPosTokenRequestObservationConvention();

	private final ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> delegate;

	private final ObservationRegistry registry;

	private @Nullable PosTokenRequestObservationConvention convention;

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

	/**
	 * Set the convention that names and tags the observations, in place of a global one
	 * registered with the {@link ObservationRegistry} or the
	 * {@link DefaultPosTokenRequestObservationConvention}.
	 * @param convention the convention, or {@code null} to go back to the global or
	 * default one
	 */
	public void setObservationConvention(@Nullable PosTokenRequestObservationConvention convention) {
		this.convention = convention;
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(AbstractOAuth2AuthorizationGrantRequest grantRequest) {
		return Mono.defer(() -> {
			PosTokenRequestObservationContext context = new PosTokenRequestObservationContext(
					grantRequest.getGrantType().getValue());
			Observation observation = Observation
				.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
				.start();
			return this.delegate.getTokenResponse(grantRequest)
				.doOnSuccess((response) -> stop(observation, context, Outcome.SUCCESS, null))
				.doOnError((ex) -> {
					observation.error(ex);
					stop(observation, context, outcome(ex),
							(ex instanceof ClientAuthorizationException cae) ? cae.getError().getErrorCode() : null);
				})
				.doOnCancel(() -> stop(observation, context, Outcome.CANCELLED, null));
		});
	}

	private static Outcome outcome(Throwable ex) {
		if (ex instanceof TokenEndpointException tee) {
			return switch (tee.getKind()) {
				case REJECTED -> Outcome.REJECTED;
				case UNAVAILABLE -> Outcome.UNAVAILABLE;
				case UNEXPECTED_RESPONSE -> Outcome.UNEXPECTED_RESPONSE;
			};
		}
		if (TokenEndpointException.isTransient(ex)) {
			return Outcome.UNAVAILABLE;
		}
		return (ex instanceof ClientAuthorizationException) ? Outcome.REJECTED : Outcome.ERROR;
	}

	private static void stop(Observation observation, PosTokenRequestObservationContext context, Outcome outcome,
			@Nullable String errorCode) {
		context.setOutcome(outcome);
		context.setErrorCode(errorCode);
		observation.stop();
	}

}
