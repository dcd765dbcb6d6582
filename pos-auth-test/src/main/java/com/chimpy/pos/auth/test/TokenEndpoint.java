package com.chimpy.pos.auth.test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.lang.Contract;

/**
 * The simulated authorization service's {@code POST /oauth/token}: the resource-owner
 * password grant and the refresh-token grant, answered the way the Chimpy (Auth0) service
 * answers them, with injected faults first.
 */
final class TokenEndpoint extends SandboxEndpoint {

	/** The extension name the token endpoint stub refers to. */
	static final String NAME = "pos-sandbox-token-endpoint";

	private static final String OFFLINE_ACCESS = "offline_access";

	private final Client client;

	private final String audience;

	private final LoginGuard logins;

	private final AccessTokens accessTokens;

	private final RefreshTokens refreshTokens;

	private final Supplier<Duration> tokenLifetime;

	TokenEndpoint(Client client, String audience, LoginGuard logins, AccessTokens accessTokens,
			RefreshTokens refreshTokens, Supplier<Duration> tokenLifetime, Faults faults) {
		super(NAME, "token endpoint", faults, false);
		this.client = client;
		this.audience = audience;
		this.logins = logins;
		this.accessTokens = accessTokens;
		this.refreshTokens = refreshTokens;
		this.tokenLifetime = tokenLifetime;
	}

	@Override
	Answer answer(LoggedRequest request) {
		return tokenAnswer(request).withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
	}

	private Answer tokenAnswer(LoggedRequest request) {
		if (!RequestMethod.POST.equals(request.getMethod())) {
			return Answer.error(405, "invalid_request", "The token endpoint accepts POST only")
				.withHeader("Allow", "POST");
		}
		Map<String, String> fields;
		try {
			fields = TokenRequestBody.parse(request.getHeader("Content-Type"), request.getBodyAsString());
		}
		catch (IllegalArgumentException ex) {
			return Answer.error(400, "invalid_request", ex.getMessage());
		}
		String grantType = fields.get("grant_type");
		if (isBlank(grantType)) {
			return missing("grant_type");
		}
		ClientCredentials credentials = ClientCredentials.of(request.getHeader("Authorization"), fields);
		if (credentials == null) {
			return Answer.error(401, "access_denied", "Unauthorized");
		}
		if (isBlank(credentials.id())) {
			return missing("client_id");
		}
		if (!this.client.accepts(credentials)) {
			return Answer.error(401, "access_denied", "Unauthorized");
		}
		String requestedAudience = fields.get("audience");
		if (requestedAudience != null && !requestedAudience.equals(this.audience)) {
			return Answer.error(403, "access_denied", "Service not found: " + requestedAudience);
		}
		return switch (grantType) {
			case "password" -> passwordGrant(fields, credentials.id());
			case "refresh_token" -> refreshTokenGrant(fields, credentials.id());
			default -> Answer.error(403, "unsupported_grant_type", "Unsupported grant type: " + grantType);
		};
	}

	private Answer passwordGrant(Map<String, String> fields, String clientId) {
		String username = fields.get("username");
		String password = fields.get("password");
		if (isBlank(username)) {
			return missing("username");
		}
		if (password == null || password.isEmpty()) {
			return missing("password");
		}
		String scope = normalizeScope(fields.get("scope"));
		return switch (this.logins.attempt(username, password)) {
			case BLOCKED -> Answer.error(429, "too_many_attempts",
					"Your account has been blocked after multiple consecutive login attempts.");
			case WRONG_CREDENTIALS -> Answer.error(403, "invalid_grant", "Wrong email or password.");
			case SUCCESS -> {
				String refreshToken = hasOfflineAccess(scope) ? this.refreshTokens.issue(username, scope) : null;
				yield tokens(username, clientId, scope, "password", refreshToken);
			}
		};
	}

	private Answer refreshTokenGrant(Map<String, String> fields, String clientId) {
		String refreshToken = fields.get("refresh_token");
		if (isBlank(refreshToken)) {
			return missing("refresh_token");
		}
		RefreshTokens.Use use = this.refreshTokens.use(refreshToken);
		RefreshTokens.Grant grant = use.grant();
		if (grant == null) {
			return Answer.error(403, "invalid_grant", "Unknown or invalid refresh token.");
		}
		return tokens(grant.username(), clientId, grant.scope(), "refresh_token", use.successor());
	}

	private Answer tokens(String username, String clientId, String scope, String grantType,
			@Nullable String refreshToken) {
		AccessTokens.Issued issued = this.accessTokens.issue(username, clientId, scope, grantType,
				this.tokenLifetime.get());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", issued.value());
		if (refreshToken != null) {
			body.put("refresh_token", refreshToken);
		}
		if (!scope.isEmpty()) {
			body.put("scope", scope);
		}
		body.put("expires_in", issued.expiresInSeconds());
		body.put("token_type", "Bearer");
		return Answer.json(200, body);
	}

	private static Answer missing(String field) {
		return Answer.error(400, "invalid_request", "Missing required parameter: " + field);
	}

	private static String normalizeScope(@Nullable String scope) {
		return (scope != null) ? String.join(" ", scope.trim().split("\\s+")).trim() : "";
	}

	private static boolean hasOfflineAccess(String scope) {
		return Arrays.asList(scope.split(" ")).contains(OFFLINE_ACCESS);
	}

	@Contract("null -> true")
	private static boolean isBlank(@Nullable String value) {
		return value == null || value.isBlank();
	}

	/**
	 * The registered client.
	 *
	 * @param id the client id
	 * @param secret the client secret, or {@code null} for a public client
	 */
	record Client(String id, @Nullable String secret) {

		boolean accepts(ClientCredentials credentials) {
			if (!this.id.equals(credentials.id())) {
				return false;
			}
			if (this.secret == null) {
				return true;
			}
			return credentials.secret() != null && MessageDigest.isEqual(this.secret.getBytes(StandardCharsets.UTF_8),
					credentials.secret().getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String toString() {
			return "Client[id=" + this.id + ", secret=" + ((this.secret != null) ? "<set>" : "<none>") + "]";
		}
	}

	/**
	 * The client credentials a request presents, from the body or from HTTP Basic
	 * authentication.
	 *
	 * @param id the client id, may be {@code null}
	 * @param secret the client secret, may be {@code null}
	 */
	record ClientCredentials(@Nullable String id, @Nullable String secret) {

		/**
		 * The presented credentials, or {@code null} when the Basic header is malformed.
		 * @param authorization the authorization
		 * @param fields the fields
		 * @return the presented credentials, or {@code null} when the Basic header is
		 * malformed
		 */
		static @Nullable ClientCredentials of(@Nullable String authorization, Map<String, String> fields) {
			if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
				try {
					String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
							StandardCharsets.UTF_8);
					int colon = decoded.indexOf(':');
					if (colon < 0) {
						return null;
					}
					return new ClientCredentials(URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
							URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
				}
				catch (IllegalArgumentException ex) {
					return null;
				}
			}
			return new ClientCredentials(fields.get("client_id"), fields.get("client_secret"));
		}

		@Override
		public String toString() {
			return "ClientCredentials[id=" + this.id + "]";
		}
	}

}
