package com.chimpy.pos.auth.test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jwt.JWTClaimsSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The simulated PoS API under {@code /api/v2}: every request needs a valid bearer token
 * from the sandbox's authorization service, else it gets 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"}. Injected faults come first.
 */
final class PosApi extends SandboxEndpoint {

	/** The extension name the API stub refers to. */
	static final String NAME = "pos-sandbox-api";

	/** The {@code WWW-Authenticate} challenge of every 401. */
	static final String INVALID_TOKEN_CHALLENGE = "Bearer error=\"invalid_token\"";

	/** The path prefix of the API. */
	static final String BASE_PATH = "/api/v2";

	private final AccessTokens accessTokens;

	private final SimulatedResources resources;

	PosApi(AccessTokens accessTokens, SimulatedResources resources, Faults faults) {
		super(NAME, "PoS API", faults, true);
		this.accessTokens = accessTokens;
		this.resources = resources;
	}

	@Override
	Answer answer(LoggedRequest request) {
		String token = bearerToken(request.getHeader("Authorization"));
		if (token == null) {
			return unauthorized("A bearer access token is required");
		}
		AccessTokens.Validation validation = this.accessTokens.validate(token);
		JWTClaimsSet claims = validation.claims();
		if (claims == null) {
			return unauthorized(Objects.requireNonNull(validation.problem(), "a refused token has a problem"));
		}
		return route(request, claims);
	}

	private Answer route(LoggedRequest request, JWTClaimsSet claims) {
		String path = path(request.getUrl());
		String resource = path.substring(BASE_PATH.length());
		RequestMethod method = request.getMethod();
		if (resource.equals("/stores")) {
			return (RequestMethod.GET.equals(method)) ? Answer.json(200, this.resources.stores()) : notAllowed("GET");
		}
		if (resource.startsWith("/stores/") && resource.indexOf('/', 8) < 0) {
			if (!RequestMethod.GET.equals(method)) {
				return notAllowed("GET");
			}
			String id = resource.substring(8);
			return this.resources.store(id)
				.map((store) -> Answer.json(200, store))
				.orElseGet(() -> Answer.error(404, "not_found", "No store with id " + id));
		}
		if (resource.equals("/products")) {
			return (RequestMethod.GET.equals(method)) ? Answer.json(200, this.resources.products()) : notAllowed("GET");
		}
		if (resource.equals("/orders")) {
			return (RequestMethod.POST.equals(method)) ? createOrder(request, claims) : notAllowed("POST");
		}
		if (resource.equals("/whoami")) {
			return (RequestMethod.GET.equals(method)) ? Answer.json(200, whoami(claims)) : notAllowed("GET");
		}
		return Answer.error(404, "not_found", "No such resource: " + path);
	}

	private Answer createOrder(LoggedRequest request, JWTClaimsSet claims) {
		JsonNode order;
		try {
			order = Json.readTree(request.getBodyAsString());
		}
		catch (IllegalArgumentException ex) {
			return Answer.error(400, "invalid_request", "The order must be a JSON object");
		}
		if (!order.isObject()) {
			return Answer.error(400, "invalid_request", "The order must be a JSON object");
		}
		Map<String, Object> created = this.resources.createOrder(order, claims.getSubject());
		return Answer.json(201, created).withHeader("Location", BASE_PATH + "/orders/" + created.get("id"));
	}

	private static Map<String, Object> whoami(JWTClaimsSet claims) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("sub", claims.getSubject());
		body.put("jti", claims.getJWTID());
		body.put("scope", claims.getClaim("scope"));
		body.put("aud", claims.getAudience());
		body.put("simulated", true);
		return body;
	}

	private static Answer unauthorized(String description) {
		return Answer.error(401, "invalid_token", description).withHeader("WWW-Authenticate", INVALID_TOKEN_CHALLENGE);
	}

	private static Answer notAllowed(String allowed) {
		return Answer.error(405, "method_not_allowed", "Allowed: " + allowed).withHeader("Allow", allowed);
	}

	/**
	 * The bearer token of an {@code Authorization} header, or {@code null}.
	 * @param authorization the header value, or {@code null}
	 * @return the bearer token, or {@code null}
	 */
	static @Nullable String bearerToken(@Nullable String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		String token = authorization.substring(7).trim();
		return token.isEmpty() ? null : token;
	}

	/**
	 * The path of a request URL, without its query.
	 * @param url the URL
	 * @return the path of a request URL, without its query
	 */
	static String path(String url) {
		int query = url.indexOf('?');
		return (query >= 0) ? url.substring(0, query) : url;
	}

}
