package com.chimpy.pos.auth.test;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An endpoint of the sandbox as a WireMock response transformer that its stub names: the
 * next injected fault comes first, then the endpoint's own {@link #answer(LoggedRequest)
 * answer}; an answer that fails with a runtime exception becomes a 500
 * {@code server_error} (logged with the exception's class name only).
 */
abstract class SandboxEndpoint implements ResponseDefinitionTransformerV2 {

	private final Logger logger = LoggerFactory.getLogger(getClass());

	private final String name;

	private final String description;

	private final Faults faults;

	private final boolean apiEndpoint;

	/**
	 * Creates an endpoint of the sandbox.
	 * @param name the extension name the endpoint's stub refers to
	 * @param description what the endpoint is, for the log
	 * @param faults the faults injected into this endpoint
	 * @param apiEndpoint whether it is the PoS API (see {@link FaultAnswers#respond})
	 */
	SandboxEndpoint(String name, String description, Faults faults, boolean apiEndpoint) {
		this.name = name;
		this.description = description;
		this.faults = faults;
		this.apiEndpoint = apiEndpoint;
	}

	@Override
	public final String getName() {
		return this.name;
	}

	@Override
	public final boolean applyGlobally() {
		return false;
	}

	@Override
	public final ResponseDefinition transform(ServeEvent serveEvent) {
		LoggedRequest request = serveEvent.getRequest();
		return FaultAnswers.respond(this.faults.next().orElse(null), () -> safeAnswer(request), this.apiEndpoint);
	}

	private Answer safeAnswer(LoggedRequest request) {
		try {
			return answer(request);
		}
		catch (RuntimeException ex) {
			this.logger.warn("The sandbox {} failed: {}", this.description, ex.getClass().getName());
			return Answer.error(500, "server_error", "The sandbox failed to answer");
		}
	}

	/**
	 * The endpoint's answer to a request that drew no fault (or a latency fault).
	 * @param request the request
	 * @return the answer
	 */
	abstract Answer answer(LoggedRequest request);

}
