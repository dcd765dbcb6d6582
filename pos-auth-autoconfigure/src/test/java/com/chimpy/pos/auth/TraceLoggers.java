package com.chimpy.pos.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;

/**
 * Sets the given loggers to TRACE before each test and gives them back their configured
 * levels after it, for tests that assert what is (not) logged at the lowest level. A test
 * class registers it as a field: <pre>
 * &#64;RegisterExtension
 * final TraceLoggers traceLoggers = new TraceLoggers(List.of("org.springframework.http"));
 * </pre>
 */
public final class TraceLoggers implements BeforeEachCallback, AfterEachCallback {

	private final List<String> loggers;

	private final Map<String, LogLevel> previousLevels = new LinkedHashMap<>();

	/**
	 * Creates an extension for the given loggers.
	 * @param loggers the names of the loggers to set to TRACE
	 */
	public TraceLoggers(List<String> loggers) {
		this.loggers = List.copyOf(loggers);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		LoggingSystem loggingSystem = loggingSystem(context);
		for (String logger : this.loggers) {
			LoggerConfiguration configuration = loggingSystem.getLoggerConfiguration(logger);
			this.previousLevels.put(logger, (configuration != null) ? configuration.getConfiguredLevel() : null);
			loggingSystem.setLogLevel(logger, LogLevel.TRACE);
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.previousLevels.forEach(loggingSystem(context)::setLogLevel);
		this.previousLevels.clear();
	}

	private static LoggingSystem loggingSystem(ExtensionContext context) {
		return LoggingSystem.get(context.getRequiredTestClass().getClassLoader());
	}

}
