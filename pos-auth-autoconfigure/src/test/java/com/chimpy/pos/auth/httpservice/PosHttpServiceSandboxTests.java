package com.chimpy.pos.auth.httpservice;

import java.util.List;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.test.EnablePosSandbox;
import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.web.service.registry.HttpServiceGroup.ClientType;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox test kit with an HTTP service interface, as an application's test would use
 * it: {@code @EnablePosSandbox} in HTTPS mode, full auto-configuration, and an interface
 * imported into the group {@code pos}. The group trusts the sandbox's self-signed
 * certificate through {@code pos.api.ssl-bundle}, and its calls are authenticated and
 * replayed after a 401 like {@code posWebClient}'s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EnablePosSandbox(https = true)
class PosHttpServiceSandboxTests {

	@Autowired
	private PosSandbox sandbox;

	@Autowired
	private StoresApi stores;

	@Autowired
	private Environment environment;

	@BeforeEach
	void resetJournal() {
		this.sandbox.clearFaults();
		this.sandbox.resetJournal();
	}

	@Test
	void callsReachTheHttpsSandboxWithTheBearer() {
		assertThat(this.environment.getProperty("pos.api.base-url")).startsWith("https://");
		assertThat(this.environment.containsProperty("spring.http.serviceclient.pos.base-url")).isFalse();
		assertThat(this.stores.stores()).contains("Chimpy Central");
		assertThat(this.stores.whoami()).contains("\"sub\":\"" + PosSandbox.DEFAULT_USERNAME + "\"");
		assertThat(this.sandbox.apiRequests(200)).isEqualTo(2);
		assertThat(this.sandbox.tokenRequests()).isLessThanOrEqualTo(1);
	}

	@Test
	void revokedTokensAreRenewedAndTheCallReplayed() {
		this.stores.stores();
		this.sandbox.revokeAllTokens();
		this.sandbox.resetJournal();
		assertThat(this.stores.createOrder("order-7", "{\"storeId\":\"store-002\"}").getStatusCode())
			.isEqualTo(HttpStatus.CREATED);
		List<ServeEvent> events = this.sandbox.apiRequestEvents();
		assertThat(events).hasSize(2);
		assertThat(this.sandbox.apiRequests(401)).isEqualTo(1);
		assertThat(this.sandbox.apiRequests(201)).isEqualTo(1);
		// The revoked refresh token is refused, and the password grant takes over in the
		// same flight.
		assertThat(this.sandbox.tokenRequests("refresh_token")).isEqualTo(1);
		assertThat(this.sandbox.tokenRequests("password")).isEqualTo(1);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "pos", types = StoresApi.class, clientType = ClientType.REST_CLIENT)
	static class App {

	}

}
