package com.chimpy.pos.auth.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidPosPropertyException} into Boot's start-up failure report,
 * naming the property and the fix.
 */
final class InvalidPosPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPosPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPosPropertyException cause) {
		return new FailureAnalysis("The property '" + cause.getProperty() + "' is invalid: " + cause.getProblem() + ".",
				cause.getAction(), cause);
	}

}
