package com.chimpy.pos.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import com.chimpy.pos.auth.account.PosAccounts;
import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The sample's main job: calls the PoS API through {@code posWebClient} and shows in a
 * few lines what happened. Against the sandbox it also lets the token expire and has the
 * server revoke every token, to show a renewal by refresh token and a 401 recovered by
 * the retry; against a real PoS it only reads.
 * <p>
 * The counts it prints come from the sandbox's request journal, the server's view of what
 * the starter sent.
 */
@Component
final class PosApiTour implements CommandLineRunner, ExitCodeGenerator {

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

	private final WebClient pos;

	private final PosApiClient client;

	private final ObjectProvider<PosSandbox> sandbox;

	private final Environment environment;

	private final List<String> problems = new ArrayList<>();

	PosApiTour(@Qualifier("posWebClient") WebClient pos, PosApiClient client, ObjectProvider<PosSandbox> sandbox,
			Environment environment) {
		this.pos = pos;
		this.client = client;
		this.sandbox = sandbox;
		this.environment = environment;
	}

	@Override
	public void run(String... args) throws Exception {
		PosSandbox server = this.sandbox.getIfAvailable();
		say("PoS API: " + this.environment.getProperty("pos.api.base-url")
				+ ((server != null) ? " (in-process sandbox)" : ""));
		JsonNode stores = get("/stores");
		say("1. GET /stores -> " + stores.path("count").asInt(stores.size()) + " stores"
				+ ((server != null) ? "; token requests: " + server.tokenRequests() + " (password grant)" : ""));
		for (int i = 0; i < 10; i++) {
			get("/products");
		}
		say("2. 10 x GET /products -> 200" + ((server != null) ? "; password grants still "
				+ server.tokenRequests("password") + ", token requests " + server.tokenRequests()
				+ ": the token is reused (a slow machine may pass its refresh-ahead point, after half of the "
				+ "sandbox's 4 s lifetime, and renew it once by refresh token)" : ""));
		showTypedClient(server);
		if (server != null) {
			expect(server.tokenRequests("password") == 1, "one password grant for the first 11 calls");
			expect(server.tokenRequests() < 11, "the token reused, not fetched per call");
			showRenewal(server);
			showRecoveredUnauthorized(server);
			showAccounts(server);
		}
		say(this.problems.isEmpty() ? "Done: every call succeeded." : "FAILED: " + String.join("; ", this.problems));
	}

	/**
	 * The same API through {@link PosApiClient}, an HTTP service interface in the group
	 * {@code pos}: pos-auth authenticates it with the token {@code posWebClient} uses.
	 * Against the sandbox it also places an order.
	 * @param server the server
	 */
	private void showTypedClient(@Nullable PosSandbox server) {
		PosApiClient.Stores stores = this.client.stores();
		PosApiClient.Store store = this.client.store(stores.items().get(0).id());
		PosApiClient.Products products = this.client.products();
		String order = "";
		if (server != null) {
			PosApiClient.Order placed = this.client.placeOrder(new PosApiClient.NewOrder(store.id(),
					List.of(new PosApiClient.OrderLine(products.items().get(0).id(), 1))));
			order = ", placed order " + placed.id() + " (" + placed.status() + ")";
			expect(server.tokenRequests("password") == 1, "the typed client to use posWebClient's token");
		}
		say("2b. PosApiClient (@ImportHttpServices group \"pos\") -> " + stores.count() + " stores, " + products.count()
				+ " products, " + store.id() + " is " + store.name() + order
				+ ((server != null) ? "; password grants still " + server.tokenRequests("password") : ""));
	}

	private void showRenewal(PosSandbox server) throws InterruptedException {
		Duration lifetime = server.tokenLifetime();
		Instant end = Instant.now().plus(lifetime.multipliedBy(3).dividedBy(2));
		int calls = 0;
		while (Instant.now().isBefore(end)) {
			get("/stores");
			calls++;
			Thread.sleep(200);
		}
		int refreshes = server.tokenRequests("refresh_token");
		say("3. " + calls + " calls over " + lifetime.multipliedBy(3).dividedBy(2).toMillis() / 1000.0
				+ " s with a token lifetime of " + lifetime.toSeconds() + " s -> all 200; renewed " + refreshes
				+ " time(s) with the refresh token, ahead of expiry");
		expect(refreshes >= 1, "a renewal by refresh token");
		expect(server.tokenRequests("password") == 1, "no second password grant while refresh tokens work");
	}

	private void showRecoveredUnauthorized(PosSandbox server) {
		server.revokeAllTokens();
		int unauthorizedBefore = server.apiRequests(401);
		int passwordBefore = server.tokenRequests("password");
		JsonNode order = this.pos.post()
			.uri("/orders")
			.bodyValue(Map.of("storeId", "store-001", "lines", List.of(Map.of("productId", "prod-espresso", "qty", 2))))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(CALL_TIMEOUT);
		int unauthorized = server.apiRequests(401) - unauthorizedBefore;
		int passwordGrants = server.tokenRequests("password") - passwordBefore;
		say("4. The server revoked every token; POST /orders -> order " + order.path("id").asString("?") + " after "
				+ unauthorized + " x 401 recovered by one retry (new token by password grant: " + passwordGrants
				+ ", since the revoked refresh token was refused)");
		expect(unauthorized == 1, "exactly one 401 before the replay");
		expect(passwordGrants == 1, "one password grant after the refresh token was refused");
	}

	/**
	 * Two merchants' accounts side by side, found at run time by
	 * {@link SandboxMerchants}: one call names its account with the request attribute
	 * {@code pos.account}, a whole reactive flow with the Reactor context entry. Each
	 * account gets its own token.
	 * @param server the sandbox, to count the token requests
	 */
	private void showAccounts(PosSandbox server) {
		String first = this.pos.get()
			.uri("/whoami")
			.attribute(PosAccounts.ATTRIBUTE, "merchant-1")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.map((whoami) -> whoami.path("sub").asString("?"))
			.block(CALL_TIMEOUT);
		String second = Flux.range(0, 3)
			.concatMap((i) -> this.pos.get().uri("/whoami").retrieve().bodyToMono(JsonNode.class))
			.map((whoami) -> whoami.path("sub").asString("?"))
			.distinct()
			.collectList()
			.map((subjects) -> String.join(",", subjects))
			.contextWrite(PosAccounts.withAccount("merchant-2"))
			.block(CALL_TIMEOUT);
		int grants1 = server.passwordGrants("merchant-1");
		int grants2 = server.passwordGrants("merchant-2");
		say("5. Two accounts side by side: GET /whoami as merchant-1 -> sub " + first
				+ "; 3 x GET /whoami in a flow as merchant-2 -> sub " + second + "; password grants: merchant-1 "
				+ grants1 + ", merchant-2 " + grants2);
		expect("merchant-1".equals(first) && "merchant-2".equals(second), "each account's call to carry its token");
		expect(grants1 == 1 && grants2 == 1, "one password grant per account");
	}

	private JsonNode get(String path) {
		return this.pos.get().uri(path).retrieve().bodyToMono(JsonNode.class).block(CALL_TIMEOUT);
	}

	private void expect(boolean condition, String what) {
		if (!condition) {
			this.problems.add("expected " + what);
		}
	}

	private static void say(String line) {
		System.out.println("[pos-auth sample] " + line);
	}

	@Override
	public int getExitCode() {
		return this.problems.isEmpty() ? 0 : 1;
	}

}
