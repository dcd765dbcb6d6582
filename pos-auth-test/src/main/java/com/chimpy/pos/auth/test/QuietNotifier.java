package com.chimpy.pos.auth.test;

import com.github.tomakehurst.wiremock.common.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps WireMock quiet: its information messages are dropped (they include dumps of
 * requests and responses, which carry passwords and tokens) and its errors go to SLF4J at
 * WARN.
 */
final class QuietNotifier implements Notifier {

	private static final Logger logger = LoggerFactory.getLogger(PosSandbox.class);

	@Override
	public void info(String message) {
		// Dropped: request and response dumps would reveal credentials and tokens.
	}

	@Override
	public void error(String message) {
		logger.warn("WireMock: {}", message);
	}

	@Override
	public void error(String message, Throwable t) {
		logger.warn("WireMock: {}", message, t);
	}

}
