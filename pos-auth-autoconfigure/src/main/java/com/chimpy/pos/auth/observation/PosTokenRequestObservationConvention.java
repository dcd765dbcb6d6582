package com.chimpy.pos.auth.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * An {@link ObservationConvention} for the {@value ObservedTokenResponseClient#NAME}
 * observations of pos-auth's token requests: it names them and derives their tags from a
 * {@link PosTokenRequestObservationContext}.
 * <p>
 * An application changes the name or the tags by defining a bean of this type (pos-auth's
 * auto-configuration hands it to the {@link ObservedTokenResponseClient}), typically a
 * subclass of {@link DefaultPosTokenRequestObservationConvention}, or by registering a
 * global convention for the same context with the {@code ObservationRegistry}. The key
 * values are asked for when the observation starts and again when it stops: while the
 * request is under way the context's outcome is still {@code null}.
 */
public interface PosTokenRequestObservationConvention extends ObservationConvention<PosTokenRequestObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof PosTokenRequestObservationContext;
	}

}
