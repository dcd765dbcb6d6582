package com.chimpy.pos.auth.token;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.chimpy.pos.auth.token.TokenEndpointException.Kind;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the token response client makes of each fault of the fault matrix over HTTP: the
 * kind, whether it is transient, whether the request may have reached the server, the
 * status and the server's retry hint. {@link TokenEndpointFaultMatrixTests} takes these
 * as given and runs the lifecycle in virtual time. One request per fault, no lifecycle
 * waits; the only real wait is the read timeout of 300 ms.
 */
class TokenEndpointFaultClassificationTests {

	private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

	private WireMockServer server;

	@BeforeEach
	void startServer() {
		this.server = LifecycleFixture.apiServer();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	enum HttpFault {

		CONNECTION_RESET(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), Kind.UNAVAILABLE, 0, false),
		TIMEOUT(json("{\"access_token\":\"at-late\",\"token_type\":\"Bearer\",\"expires_in\":60}").withFixedDelay(3000),
				Kind.UNAVAILABLE, 0, false),
		HTTP_500(aResponse().withStatus(500).withBody("Internal Server Error"), Kind.UNAVAILABLE, 500, false),
		HTTP_503_RETRY_AFTER(aResponse().withStatus(503).withHeader("Retry-After", "1"), Kind.UNAVAILABLE, 503, true),
		HTTP_429_RETRY_AFTER(aResponse().withStatus(429)
			.withHeader("Retry-After", "1")
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"too_many_requests\",\"error_description\":\"Global limit has been reached\"}"),
				Kind.UNAVAILABLE, 429, true),
		MALFORMED_JSON(json("{\"access_token\":\"at-x\",\"token_type\":"), Kind.UNEXPECTED_RESPONSE, 200, false),
		MISSING_ACCESS_TOKEN(json("{\"token_type\":\"Bearer\",\"expires_in\":60}"), Kind.UNEXPECTED_RESPONSE, 200,
				false),
		TOKEN_TYPE_NOT_BEARER(json("{\"access_token\":\"at-x\",\"token_type\":\"mac\",\"expires_in\":60}"),
				Kind.UNEXPECTED_RESPONSE, 200, false);

		private final ResponseDefinitionBuilder answer;

		private final Kind kind;

		private final int status;

		private final boolean retryAfter;

		private final String errorCode;

		HttpFault(ResponseDefinitionBuilder answer, Kind kind, int status, boolean retryAfter) {
			this.answer = answer;
			this.errorCode = (kind == Kind.UNEXPECTED_RESPONSE) ? PosTokenResponseClient.INVALID_TOKEN_RESPONSE
					: (status == 429) ? "too_many_requests" : (status == 500) ? OAuth2ErrorCodes.SERVER_ERROR
							: OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE;
			this.kind = kind;
			this.status = status;
			this.retryAfter = retryAfter;
		}

		private static ResponseDefinitionBuilder json(String body) {
			return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
		}

	}

	@ParameterizedTest
	@EnumSource
	void faultIsATransientFailureOfARequestThatMayHaveReachedTheServer(HttpFault fault) {
		this.server.stubFor(post(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)).willReturn(fault.answer));
		TokenEndpointException ex = failure("http://127.0.0.1:" + this.server.port() + LifecycleFixture.TOKEN_PATH);
		assertThat(ex.getKind()).isEqualTo(fault.kind);
		assertThat(ex.isTransient()).isTrue();
		assertThat(ex.isRequestSent()).isTrue();
		assertThat(ex.getStatusCode()).isEqualTo(fault.status);
		assertThat(ex.getRetryAfter()).isEqualTo(fault.retryAfter ? Duration.ofSeconds(1) : null);
		assertThat(ex.getError().getErrorCode()).isEqualTo(fault.errorCode);
		assertThat(ex.getMessage()).doesNotContain(LifecycleFixture.PASSWORD);
		if (fault != HttpFault.TIMEOUT && fault != HttpFault.CONNECTION_RESET) {
			// WireMock journals the slow answer only once it has been sent, long after
			// the
			// client gave up, and a reset not at all
			assertThat(this.server.findAll(postRequestedFor(urlPathEqualTo(LifecycleFixture.TOKEN_PATH)))).hasSize(1);
		}
	}

	/**
	 * A port held by a socket that is bound but does not listen: the connection is
	 * refused, so the request provably never left.
	 */
	@Test
	void refusedConnectionIsATransientFailureOfARequestThatNeverLeft() throws IOException {
		try (Socket holder = new Socket()) {
			holder.bind(new InetSocketAddress("127.0.0.1", 0));
			TokenEndpointException ex = failure(
					"http://127.0.0.1:" + holder.getLocalPort() + LifecycleFixture.TOKEN_PATH);
			assertThat(ex.getKind()).isEqualTo(Kind.UNAVAILABLE);
			assertThat(ex.isTransient()).isTrue();
			assertThat(ex.isRequestSent()).isFalse();
			assertThat(ex.getStatusCode()).isZero();
			assertThat(ex.getError().getErrorCode()).isEqualTo(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE);
		}
	}

	private static TokenEndpointException failure(String tokenUri) {
		WebClient webClient = WebClient.builder()
			.clientConnector(ClientHttpConnectorBuilder.reactor()
				.build(new HttpClientSettings(null, READ_TIMEOUT, READ_TIMEOUT, null)))
			.build();
		PosTokenResponseClient client = new PosTokenResponseClient(webClient, TokenRequestFormat.JSON,
				LifecycleFixture.AUDIENCE);
		ClientRegistration registration = ClientRegistration.withRegistrationId("pos")
			.clientId(LifecycleFixture.CLIENT_ID)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(tokenUri)
			.build();
		return catchThrowableOfType(TokenEndpointException.class,
				() -> client
					.getTokenResponse(new PasswordGrantRequest(registration, LifecycleFixture.USERNAME,
							LifecycleFixture.PASSWORD))
					.block(Duration.ofSeconds(10)));
	}

}
