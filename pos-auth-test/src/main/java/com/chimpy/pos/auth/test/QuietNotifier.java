package com.chimpy.pos.auth.test;

import com.github.tomakehurst.wiremock.common.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends WireMock's own messages to SLF4J, quietly: information at DEBUG and errors at WARN. WireMock's
 * per-request logging stays off, as request bodies carry passwords and tokens.
 */
final class QuietNotifier implements Notifier {

	private static final Logger logger = LoggerFactory.getLogger(PosSandbox.class);

	@Override
	public void info(String message) {
		logger.debug("WireMock: {}", message);
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
