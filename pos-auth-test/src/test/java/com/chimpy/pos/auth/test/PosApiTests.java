package com.chimpy.pos.auth.test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class PosApiTests {

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension();

	private final HttpTestClient http = new HttpTestClient();

	private SandboxRequests requests() {
		return new SandboxRequests(extension.sandbox(), this.http);
	}

	@Test
	void validTokenIsAcceptedAndWhoamiShowsIt() throws Exception {
		String token = requests().loginDemo().get("access_token");

		HttpResponse<String> response = requests().api("/whoami", token);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = HttpTestClient.json(response);
		assertThat(body.get("sub").asString()).isEqualTo("demo");
		assertThat(body.get("jti").asString()).isEqualTo(SignedJWT.parse(token).getJWTClaimsSet().getJWTID());
		assertThat(body.get("simulated").asBoolean()).isTrue();
	}

	@Test
	void missingOrMalformedTokenIsUnauthorized() {
		assertUnauthorized(requests().api("/stores", null));
		assertUnauthorized(requests().api("/stores", "not-a-jwt"));
		assertUnauthorized(this.http.send(
				java.net.http.HttpRequest.newBuilder(java.net.URI.create(extension.sandbox().apiBaseUrl() + "/stores"))
					.header("Authorization", "Basic ZGVtbzpzYW5kYm94LXBhc3N3b3Jk")));
	}

	@Test
	void tokenIsRejectedOnceExpired() throws Exception {
		PosSandbox sandbox = extension.sandbox();
		sandbox.setTokenLifetime(Duration.ofSeconds(1));
		try {
			Map<String, String> login = requests().loginDemo();
			assertThat(login.get("expires_in")).isEqualTo("1");
			assertThat(requests().api("/whoami", login.get("access_token")).statusCode()).isEqualTo(200);

			Thread.sleep(1100);

			HttpResponse<String> expired = requests().api("/whoami", login.get("access_token"));
			assertUnauthorized(expired);
			assertThat(HttpTestClient.json(expired).get("error_description").asString()).contains("expired");
		}
		finally {
			sandbox.setTokenLifetime(Duration.ofHours(1));
		}
	}

	@Test
	void tokenIsRejectedAfterRevokeAllTokens() {
		String token = requests().loginDemo().get("access_token");
		assertThat(requests().api("/products", token).statusCode()).isEqualTo(200);

		extension.sandbox().revokeAllTokens();

		assertUnauthorized(requests().api("/products", token));
		String fresh = requests().loginDemo().get("access_token");
		assertThat(requests().api("/products", fresh).statusCode()).isEqualTo(200);
	}

	@Test
	void tokenWithAnotherSignatureIsRejected() throws Exception {
		String token = requests().loginDemo().get("access_token");
		SignedJWT genuine = SignedJWT.parse(token);
		RSAKey otherKey = new RSAKeyGenerator(2048).generate();
		SignedJWT forged = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(genuine.getHeader().getKeyID()).build(),
				genuine.getJWTClaimsSet());
		forged.sign(new RSASSASigner(otherKey));

		assertUnauthorized(requests().api("/whoami", forged.serialize()));
	}

	@Test
	void tokenWithAlteredClaimsIsRejected() throws Exception {
		SignedJWT genuine = SignedJWT.parse(requests().loginDemo().get("access_token"));
		JWTClaimsSet altered = new JWTClaimsSet.Builder(genuine.getJWTClaimsSet()).subject("admin")
			.expirationTime(new Date(System.currentTimeMillis() + 86_400_000L))
			.build();
		String tampered = genuine.getHeader().toBase64URL() + "." + Base64URL.encode(altered.toString()) + "."
				+ genuine.getSignature();

		assertUnauthorized(requests().api("/whoami", tampered));
	}

	@Test
	void simulatedResources() {
		String token = requests().loginDemo().get("access_token");

		JsonNode stores = HttpTestClient.json(requests().api("/stores", token));
		JsonNode store = HttpTestClient.json(requests().api("/stores/store-002", token));
		HttpResponse<String> missingStore = requests().api("/stores/store-999", token);
		JsonNode products = HttpTestClient.json(requests().api("/products?page=1", token));
		HttpResponse<String> unknown = requests().api("/unknown", token);

		assertThat(stores.get("simulated").asBoolean()).isTrue();
		assertThat(stores.get("items").size()).isEqualTo(3);
		assertThat(store.get("id").asString()).isEqualTo("store-002");
		assertThat(store.get("simulated").asBoolean()).isTrue();
		assertThat(missingStore.statusCode()).isEqualTo(404);
		assertThat(products.get("items").size()).isGreaterThan(0);
		assertThat(unknown.statusCode()).isEqualTo(404);
	}

	@Test
	void ordersAreEchoedWithAnId() {
		String token = requests().loginDemo().get("access_token");

		HttpResponse<String> created = this.http.postApi(extension.sandbox().apiBaseUrl() + "/orders", token,
				"{\"storeId\":\"store-001\",\"lines\":[{\"productId\":\"prod-espresso\",\"quantity\":2}]}");
		HttpResponse<String> notJson = this.http.postApi(extension.sandbox().apiBaseUrl() + "/orders", token,
				"two espressos please");
		HttpResponse<String> wrongMethod = requests().api("/orders", token);

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode order = HttpTestClient.json(created);
		assertThat(order.get("id").asString()).startsWith("ord-");
		assertThat(order.get("storeId").asString()).isEqualTo("store-001");
		assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(2);
		assertThat(order.get("createdBy").asString()).isEqualTo("demo");
		assertThat(order.get("simulated").asBoolean()).isTrue();
		assertThat(created.headers().firstValue("Location")).hasValue("/api/v2/orders/" + order.get("id").asString());
		assertThat(notJson.statusCode()).isEqualTo(400);
		assertThat(wrongMethod.statusCode()).isEqualTo(405);
	}

	@Test
	void jwksPublishesTheSigningKey() throws Exception {
		String token = requests().loginDemo().get("access_token");
		HttpResponse<String> jwks = this.http.get(extension.sandbox().jwksUri(), null);

		RSAKey key = (RSAKey) com.nimbusds.jose.jwk.JWKSet.parse(jwks.body()).getKeys().get(0);

		assertThat(key.isPrivate()).isFalse();
		assertThat(SignedJWT.parse(token).verify(new com.nimbusds.jose.crypto.RSASSAVerifier(key))).isTrue();
	}

	@Test
	void unknownPathsOutsideTheApiAreNotFound() {
		HttpResponse<String> response = this.http.get(extension.sandbox().apiBaseUrl().replace("/api/v2", "/nope"),
				null);

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(HttpTestClient.json(response).get("error").asString()).isEqualTo("not_found");
	}

	static void assertUnauthorized(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
		assertThat(HttpTestClient.json(response).get("error").asString()).isEqualTo("invalid_token");
	}

}
