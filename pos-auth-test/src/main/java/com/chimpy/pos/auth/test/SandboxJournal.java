package com.chimpy.pos.auth.test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * Reads the sandbox's counters from WireMock's request journal, in the order the requests
 * arrived.
 */
final class SandboxJournal {

	private final WireMockServer server;

	SandboxJournal(WireMockServer server) {
		this.server = server;
	}

	/**
	 * The requests to the token endpoint, oldest first.
	 * @return the requests to the token endpoint, oldest first
	 */
	List<ServeEvent> tokenRequests() {
		return events((path) -> path.equals(PosSandbox.TOKEN_PATH));
	}

	/**
	 * The requests to the PoS API, oldest first.
	 * @return the requests to the PoS API, oldest first
	 */
	List<ServeEvent> apiRequests() {
		return events((path) -> path.equals(PosApi.BASE_PATH) || path.startsWith(PosApi.BASE_PATH + "/"));
	}

	/**
	 * Every request, oldest first.
	 * @return every request, oldest first
	 */
	List<ServeEvent> allRequests() {
		return events((path) -> true);
	}

	/**
	 * The fields of each token request body, oldest first.
	 * @return the fields of each token request body, oldest first
	 */
	List<Map<String, String>> tokenRequestBodies() {
		List<Map<String, String>> bodies = new ArrayList<>();
		for (ServeEvent event : tokenRequests()) {
			LoggedRequest request = event.getRequest();
			bodies.add(Collections.unmodifiableMap(
					TokenRequestBody.parseLeniently(request.getHeader("Content-Type"), request.getBodyAsString())));
		}
		return Collections.unmodifiableList(bodies);
	}

	/**
	 * The status the event was answered with, or -1 when the connection was broken
	 * instead.
	 * @param event the event
	 * @return the status the event was answered with, or -1 when the connection was
	 * broken instead
	 */
	static int status(ServeEvent event) {
		LoggedResponse response = event.getResponse();
		if (response == null || response.getFault() != null) {
			return -1;
		}
		return response.getStatus();
	}

	/** Forgets all journal entries. */
	void reset() {
		this.server.resetRequests();
	}

	private List<ServeEvent> events(Predicate<String> pathFilter) {
		List<ServeEvent> events = new ArrayList<>(this.server.getAllServeEvents());
		Collections.reverse(events);
		events.removeIf((event) -> !pathFilter.test(PosApi.path(event.getRequest().getUrl())));
		return events;
	}

}
