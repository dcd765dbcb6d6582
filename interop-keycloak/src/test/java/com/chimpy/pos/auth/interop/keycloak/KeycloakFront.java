package com.chimpy.pos.auth.interop.keycloak;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * A WireMock server on loopback in front of Keycloak, whose request journal is what the
 * tests count: the realm's token endpoint, proxied to Keycloak (so that every token
 * request pos-auth sends and every answer Keycloak gives is on record), and a stub of the
 * PoS API under {@value #API_PATH} that accepts a bearer token only while Keycloak's
 * token introspection says it is active (see {@link IntrospectingApi}).
 */
final class KeycloakFront implements AutoCloseable {

	/**
	 * The path of the PoS API stub.
	 */
	static final String API_PATH = "/api";

	private static final String HOST = "127.0.0.1";

	private final WireMockServer server;

	private final String keycloakBaseUrl;

	private KeycloakFront(WireMockServer server, String keycloakBaseUrl) {
		this.server = server;
		this.keycloakBaseUrl = keycloakBaseUrl;
	}

	/**
	 * Start a front for a running Keycloak.
	 * @param keycloak the server to proxy token requests to and to introspect tokens with
	 * @return the running front
	 */
	static KeycloakFront start(KeycloakServer keycloak) {
		IntrospectingApi api = new IntrospectingApi(keycloak.introspectionUri(), IntrospectingApi.CLIENT_ID,
				IntrospectingApi.CLIENT_SECRET);
		WireMockServer server = new WireMockServer(WireMockConfiguration.options()
			.bindAddress(HOST)
			.dynamicPort()
			.notifier(new Quiet())
			.extensions(api)
			.containerThreads(16)
			.jettyStopTimeout(0L));
		server.start();
		server.stubFor(post(urlPathEqualTo(KeycloakServer.tokenPath()))
			.willReturn(aResponse().proxiedFrom(keycloak.baseUrl())));
		server.stubFor(any(urlPathMatching(API_PATH + "/.*")).willReturn(aResponse().withTransformers(api.getName())));
		return new KeycloakFront(server, keycloak.baseUrl());
	}

	/**
	 * Hold every answer of the token endpoint back for a while before it leaves the
	 * front, as a slow network would: Keycloak has issued the token (and started its
	 * lifetime) when the wait begins.
	 * @param delay how long to hold each answer back
	 */
	void delayTokenAnswers(Duration delay) {
		this.server.stubFor(post(urlPathEqualTo(KeycloakServer.tokenPath()))
			.willReturn(aResponse().proxiedFrom(this.keycloakBaseUrl).withFixedDelay((int) delay.toMillis())));
	}

	/**
	 * The token endpoint's URI as pos-auth is to use it: through this front.
	 * @return the URI
	 */
	String tokenUri() {
		return baseUrl() + KeycloakServer.tokenPath();
	}

	/**
	 * The PoS API's base URL.
	 * @return the base URL
	 */
	String apiBaseUrl() {
		return baseUrl() + API_PATH;
	}

	/**
	 * Every token request that reached the front, oldest first, with Keycloak's answer.
	 * @return the token exchanges
	 */
	List<TokenExchange> tokenExchanges() {
		List<TokenExchange> exchanges = new ArrayList<>();
		for (ServeEvent event : events()) {
			LoggedRequest request = event.getRequest();
			if (path(request).equals(KeycloakServer.tokenPath())) {
				LoggedResponse response = event.getResponse();
				String answer = (response != null) ? response.getBodyAsString() : "";
				exchanges.add(new TokenExchange(form(request.getBodyAsString()), request.getHeader("Content-Type"),
						(response != null) ? response.getStatus() : -1,
						answer.startsWith("{") ? KeycloakAdmin.map(answer) : Map.of(),
						request.getLoggedDate().toInstant()));
			}
		}
		return exchanges;
	}

	/**
	 * The token exchanges of one grant type, oldest first.
	 * @param grantType {@code password} or {@code refresh_token}
	 * @return the token exchanges
	 */
	List<TokenExchange> tokenExchanges(String grantType) {
		return tokenExchanges().stream().filter((exchange) -> grantType.equals(exchange.grantType())).toList();
	}

	/**
	 * Every request to the PoS API stub, oldest first.
	 * @return the calls
	 */
	List<ApiCall> apiCalls() {
		List<ApiCall> calls = new ArrayList<>();
		for (ServeEvent event : events()) {
			LoggedRequest request = event.getRequest();
			if (path(request).startsWith(API_PATH + "/")) {
				String authorization = request.getHeader("Authorization");
				String bearer = (authorization != null && authorization.startsWith("Bearer "))
						? authorization.substring(7) : null;
				calls.add(new ApiCall(path(request), bearer,
						(event.getResponse() != null) ? event.getResponse().getStatus() : -1));
			}
		}
		return calls;
	}

	@Override
	public void close() {
		this.server.stop();
	}

	private String baseUrl() {
		return "http://" + HOST + ":" + this.server.port();
	}

	private List<ServeEvent> events() {
		List<ServeEvent> events = new ArrayList<>(this.server.getAllServeEvents());
		Collections.reverse(events);
		return events;
	}

	private static String path(LoggedRequest request) {
		String url = request.getUrl();
		int query = url.indexOf('?');
		return (query >= 0) ? url.substring(0, query) : url;
	}

	private static Map<String, String> form(String body) {
		Map<String, String> form = new LinkedHashMap<>();
		if (body == null || body.isEmpty()) {
			return form;
		}
		for (String pair : body.split("&")) {
			int equals = pair.indexOf('=');
			String name = (equals >= 0) ? pair.substring(0, equals) : pair;
			String value = (equals >= 0) ? pair.substring(equals + 1) : "";
			form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
		}
		return form;
	}

	/**
	 * A token request as it reached Keycloak, and Keycloak's answer.
	 *
	 * @param form the form fields of the request (empty when the body was not a form)
	 * @param contentType the request's content type
	 * @param status the status Keycloak answered with
	 * @param answer the JSON body Keycloak answered with
	 * @param at when the request arrived
	 */
	record TokenExchange(Map<String, String> form, String contentType, int status, Map<String, Object> answer,
			Instant at) {

		String grantType() {
			return this.form.get("grant_type");
		}

		String sentRefreshToken() {
			return this.form.get("refresh_token");
		}

		String issuedRefreshToken() {
			return (String) this.answer.get("refresh_token");
		}

		String issuedAccessToken() {
			return (String) this.answer.get("access_token");
		}

		String error() {
			return (String) this.answer.get("error");
		}

		@Override
		public String toString() {
			// Field names and the outcome only: the values are credentials and tokens.
			return "TokenExchange{grant_type=" + grantType() + ", fields=" + this.form.keySet() + ", status="
					+ this.status + ", error=" + error() + ", at=" + this.at + "}";
		}

	}

	/**
	 * A request to the PoS API stub.
	 *
	 * @param path the request path
	 * @param bearer the bearer token it carried, or {@code null}
	 * @param status the status the stub answered with
	 */
	record ApiCall(String path, String bearer, int status) {

		@Override
		public String toString() {
			return "ApiCall{path=" + this.path + ", bearer=" + ((this.bearer != null) ? "present" : "none")
					+ ", status=" + this.status + "}";
		}

	}

	/**
	 * Drops WireMock's information messages (dumps of requests with credentials and
	 * tokens) and keeps its errors.
	 */
	private static final class Quiet implements Notifier {

		@Override
		public void info(String message) {
		}

		@Override
		public void error(String message) {
			System.err.println("WireMock: " + message);
		}

		@Override
		public void error(String message, Throwable ex) {
			System.err.println("WireMock: " + message + " (" + ex + ")");
		}

	}

}
