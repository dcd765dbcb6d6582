package com.chimpy.pos.auth.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The {@link PosTokenRequestObservationConvention} pos-auth uses unless the application
 * defines another: the observation is named {@value ObservedTokenResponseClient#NAME}
 * (contextual name {@value #CONTEXTUAL_NAME}) and tagged with the low-cardinality keys
 * {@value #GRANT_TYPE}, and once the request has ended {@value #OUTCOME} and
 * {@value ObservedTokenResponseClient#ERROR_CODE} (the OAuth2 error code, or
 * {@value #NONE}).
 * <p>
 * Subclass it to add tags or to rename the observation while keeping the others.
 */
public class DefaultPosTokenRequestObservationConvention implements PosTokenRequestObservationConvention {

	/**
	 * The key of the grant type ({@code password}, {@code refresh_token}).
	 */
	public static final String GRANT_TYPE = "grant.type";

	/**
	 * The key of the outcome ({@code success}, {@code rejected}, {@code unavailable},
	 * {@code unexpected_response}, {@code error}, {@code cancelled}).
	 */
	public static final String OUTCOME = "outcome";

	/**
	 * The value of {@value ObservedTokenResponseClient#ERROR_CODE} when there is no
	 * OAuth2 error code.
	 */
	public static final String NONE = "none";

	/**
	 * The contextual name, which tracing uses as the span name.
	 */
	public static final String CONTEXTUAL_NAME = "pos token request";

	@Override
	public String getName() {
		return ObservedTokenResponseClient.NAME;
	}

	@Override
	public String getContextualName(PosTokenRequestObservationContext context) {
		return CONTEXTUAL_NAME;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PosTokenRequestObservationContext context) {
		KeyValues keyValues = KeyValues.of(grantType(context));
		if (context.getOutcome() == null) {
			return keyValues;
		}
		return keyValues.and(outcome(context), errorCode(context));
	}

	/**
	 * The {@value #GRANT_TYPE} key value.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue grantType(PosTokenRequestObservationContext context) {
		return KeyValue.of(GRANT_TYPE, context.getGrantType());
	}

	/**
	 * The {@value #OUTCOME} key value of a request that has ended.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue outcome(PosTokenRequestObservationContext context) {
		PosTokenRequestObservationContext.Outcome outcome = context.getOutcome();
		return KeyValue.of(OUTCOME, (outcome != null) ? outcome.getValue() : "unknown");
	}

	/**
	 * The {@value ObservedTokenResponseClient#ERROR_CODE} key value of a request that has
	 * ended.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue errorCode(PosTokenRequestObservationContext context) {
		String errorCode = context.getErrorCode();
		return KeyValue.of(ObservedTokenResponseClient.ERROR_CODE, (errorCode != null) ? errorCode : NONE);
	}

}
