package com.chimpy.pos.auth.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The {@link Observation.Context context} of one
 * {@value ObservedTokenResponseClient#NAME} observation: the grant type of the token
 * request, and once it has ended its {@link Outcome outcome} and the OAuth2 error code
 * the authorization server sent, if any. A {@link PosTokenRequestObservationConvention}
 * turns it into a name and tags.
 * <p>
 * It holds nothing secret: no credentials, no tokens, no request or response bodies. The
 * failure itself, when there was one, is the context's {@link #getError() error}.
 */
public class PosTokenRequestObservationContext extends Observation.Context {

	/**
	 * How a token request ended.
	 */
	public enum Outcome {

		/**
		 * A token was obtained.
		 */
		SUCCESS("success"),

		/**
		 * The authorization server answered with an OAuth2 error.
		 */
		REJECTED("rejected"),

		/**
		 * No usable answer: the endpoint could not be reached, timed out, or answered 5xx
		 * or 429.
		 */
		UNAVAILABLE("unavailable"),

		/**
		 * An answer that is neither a token nor an OAuth2 error, such as a proxy's HTML
		 * page or a redirect.
		 */
		UNEXPECTED_RESPONSE("unexpected_response"),

		/**
		 * Any other failure.
		 */
		ERROR("error"),

		/**
		 * The request was cancelled before it ended, for example because nobody waited
		 * for it any more.
		 */
		CANCELLED("cancelled");

		private final String value;

		Outcome(String value) {
			this.value = value;
		}

		/**
		 * The outcome as a tag value: lower case, words separated by underscores.
		 * @return the value, for example {@code unexpected_response}
		 */
		public String getValue() {
			return this.value;
		}

	}

	private final String grantType;

	private @Nullable Outcome outcome;

	private @Nullable String errorCode;

	/**
	 * Create a context for a token request that is about to be sent.
	 * @param grantType the grant type, for example {@code password} or
	 * {@code refresh_token}
	 */
	public PosTokenRequestObservationContext(String grantType) {
		Assert.hasText(grantType, "grantType must not be empty");
		this.grantType = grantType;
	}

	/**
	 * The grant type of the token request.
	 * @return the grant type, for example {@code password} or {@code refresh_token}
	 */
	public String getGrantType() {
		return this.grantType;
	}

	/**
	 * How the token request ended.
	 * @return the outcome, or {@code null} while the request is under way
	 */
	public @Nullable Outcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Set how the token request ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(@Nullable Outcome outcome) {
		this.outcome = outcome;
	}

	/**
	 * The OAuth2 error code of a failed token request, for example {@code invalid_grant}
	 * or {@code server_error}.
	 * @return the error code, or {@code null} when the request succeeded, is under way or
	 * failed without one
	 */
	public @Nullable String getErrorCode() {
		return this.errorCode;
	}

	/**
	 * Set the OAuth2 error code of a failed token request.
	 * @param errorCode the error code, or {@code null} for none
	 */
	public void setErrorCode(@Nullable String errorCode) {
		this.errorCode = errorCode;
	}

}
