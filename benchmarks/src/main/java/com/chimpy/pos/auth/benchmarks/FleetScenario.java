package com.chimpy.pos.auth.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.benchmarks.FakePosServer.Counters;
import com.chimpy.pos.auth.benchmarks.Samples.Stats;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Scenario 6: a fleet of application instances under load across several short token
 * lifetimes, each instance with its own token ({@code pos.auth.token-store=memory}) and
 * with one token shared through Redis ({@code pos.auth.token-store=redis}); then the hot
 * path of both fleets, interleaved, with a long-lived token. Every count comes from the
 * fake server, per client id (one per fleet).
 */
final class FleetScenario {

	static final Duration TOKEN_LATENCY = Duration.ofMillis(100);

	/** Calls started this long after a token request arrived are "at a renewal point". */
	static final Duration RENEWAL_WINDOW = TOKEN_LATENCY.plusMillis(150);

	private static final Duration LONG_LIFETIME = Duration.ofHours(1);

	/**
	 * Lettuce warns when a connection closes that was already closed, as happens when the
	 * instances of a fleet shut down together; held here so that the level sticks.
	 */
	private static final java.util.logging.Logger LETTUCE_CHANNEL = java.util.logging.Logger
		.getLogger("io.lettuce.core.RedisChannelHandler");

	private final FakePosServer server;

	private final Benchmarks.FleetSize size;

	private final Report report;

	private final Consumer<String> progress;

	FleetScenario(FakePosServer server, Benchmarks.FleetSize size, Report report, Consumer<String> progress) {
		this.server = server;
		this.size = size;
		this.report = report;
		this.progress = progress;
	}

	void run() {
		Benchmarks.FleetSize p = this.size;
		this.server.configure(TOKEN_LATENCY, p.lifetime());
		this.progress
			.accept("6. fleet: " + p.instances() + " instances, token lifetime " + p.lifetime().toSeconds() + " s for "
					+ p.lifetimes() + " lifetimes at " + p.rate() + " calls/s, without and with the Redis store");
		LETTUCE_CHANNEL.setLevel(java.util.logging.Level.SEVERE);
		List<Fleet> fleets = new ArrayList<>();
		try (EmbeddedRedis redis = EmbeddedRedis.started()) {
			try {
				Fleet memory = Fleet.start(this.server, "s6-memory", p.instances());
				fleets.add(memory);
				Phase withoutStore = lifetimes(memory);
				Fleet shared = Fleet.start(this.server, "s6-redis", p.instances(), concat(redis.springPropertyValues(),
						"pos.auth.token-store=redis", "pos.auth.redis.key-prefix=bench-" + UUID.randomUUID()));
				fleets.add(shared);
				Phase withStore = lifetimes(shared);
				HotPath hot = hotPath(memory, shared);
				write(withoutStore, withStore, hot);
			}
			finally {
				fleets.parallelStream().forEach(Fleet::close);
			}
		}
	}

	/**
	 * Cold start (a few concurrent calls on every instance) and then open-loop load for
	 * the configured number of token lifetimes.
	 * @param fleet the fleet
	 * @return what the server saw
	 */
	private Phase lifetimes(Fleet fleet) {
		Benchmarks.FleetSize p = this.size;
		Counters counters = this.server.counters(fleet.clientId);
		Samples cold = new Samples(p.instances() * 4);
		Load.burst(fleet, cold, p.instances() * 4);
		long coldTokens = counters.tokenRequests();
		Map<String, Long> before = counters.snapshot();
		Duration duration = p.lifetime().multipliedBy(p.lifetimes());
		Samples samples = new Samples(p.rate() * (int) duration.toSeconds() + 1000);
		long loadStart = System.nanoTime();
		Load.openLoop(fleet, samples, p.rate(), duration);
		long loadEnd = loadStart + duration.toNanos();
		Map<String, Long> after = counters.snapshot();
		Load.Windows renewals = new Load.Windows();
		for (long arrival : counters.tokenRequestArrivals()) {
			if (arrival - loadStart >= 0 && arrival - loadEnd < 0) {
				renewals.add(arrival, arrival + RENEWAL_WINDOW.toNanos());
			}
		}
		renewals.merge();
		long second = Duration.ofSeconds(1).toNanos();
		Stats steady = samples.stats((t) -> t - (loadStart + second) >= 0 && !renewals.contains(t));
		Stats atRenewal = samples.stats(renewals::contains);
		List<String> parts = new ArrayList<>();
		long during = 0;
		for (String grant : FakePosServer.GRANT_TYPES) {
			long count = after.get(grant) - before.get(grant);
			during += count;
			if (count > 0) {
				parts.add(count + " " + grant);
			}
		}
		return new Phase(coldTokens, failures(cold), during, parts.isEmpty() ? "0" : String.join(" + ", parts),
				(double) during / p.lifetimes(), counters.maxInFlight.get(), counters.rejected.sum(),
				samples.failures(), failures(samples), samples.calls(), steady, atRenewal, renewals.count());
	}

	/**
	 * Interleaved closed-loop rounds on both fleets, after every instance holds a token
	 * of an hour: the hot path only.
	 * @param memory the fleet without the store
	 * @param shared the fleet with the store
	 * @return throughput and CPU per call of both
	 */
	private HotPath hotPath(Fleet memory, Fleet shared) {
		Benchmarks.FleetSize p = this.size;
		this.server.configure(Duration.ZERO, LONG_LIFETIME);
		// Every instance renews at its next refresh-ahead point (half a lifetime at most)
		// and then holds a token of an hour.
		Duration settle = p.lifetime().plusMillis(500);
		Load.closedLoop(memory, new Samples(1), p.concurrency(), Integer.MAX_VALUE, settle);
		Load.closedLoop(shared, new Samples(1), p.concurrency(), Integer.MAX_VALUE, settle);
		Fleet[] fleets = { memory, shared };
		long[] tokensBefore = { this.server.counters(memory.clientId).tokenRequests(),
				this.server.counters(shared.clientId).tokenRequests() };
		List<List<Double>> throughput = List.of(new ArrayList<>(), new ArrayList<>());
		List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
		List<Double> ratios = new ArrayList<>();
		long[] failed = new long[2];
		for (int round = 0; round < p.rounds(); round++) {
			double[] roundThroughput = new double[2];
			for (int i = 0; i < 2; i++) {
				int which = (round % 2 == 0) ? i : 1 - i;
				System.gc();
				Samples samples = new Samples(1);
				long cpuStart = Load.processCpuNanos();
				long start = System.nanoTime();
				Load.closedLoop(fleets[which], samples, p.concurrency(), Integer.MAX_VALUE, p.round());
				double seconds = (System.nanoTime() - start) / 1e9;
				cpu.get(which).add((Load.processCpuNanos() - cpuStart) / 1000.0 / Math.max(1, samples.calls()));
				roundThroughput[which] = (samples.calls() - samples.failures()) / seconds;
				throughput.get(which).add(roundThroughput[which]);
				failed[which] += samples.failures();
			}
			ratios.add(roundThroughput[1] / roundThroughput[0]);
			this.progress.accept(String.format(Locale.ROOT, "   round %d: calls/s without store %.0f, with store %.0f",
					round + 1, roundThroughput[0], roundThroughput[1]));
		}
		long[] tokensDuring = { this.server.counters(memory.clientId).tokenRequests() - tokensBefore[0],
				this.server.counters(shared.clientId).tokenRequests() - tokensBefore[1] };
		return new HotPath(throughput, cpu, ratios, failed, tokensDuring);
	}

	private void write(Phase without, Phase with, HotPath hot) {
		Benchmarks.FleetSize p = this.size;
		Report.Table table = this.report.table("6 fleet: " + p.instances() + " instances, " + p.lifetimes()
				+ " token lifetimes of " + p.lifetime().toSeconds() + " s", "without store (`memory`)",
				"with store (`redis`)");
		table.row("token requests at cold start (" + p.instances() * 4 + " concurrent calls, 4 per instance)", "",
				String.valueOf(without.coldTokens), String.valueOf(with.coldTokens));
		table.row("token requests during the load", "", without.duringByGrant, with.duringByGrant);
		table.row("token requests per lifetime, fleet",
				"with store: those of one instance (1.25 x without / " + p.instances() + " at most)",
				fmt(without.perLifetime), fmt(with.perLifetime));
		table.row("most token requests in flight at once", "", String.valueOf(without.maxInFlight),
				String.valueOf(with.maxInFlight));
		table.row("token requests the server rejected (e.g. a refresh token sent twice)", "0",
				String.valueOf(without.rejected), String.valueOf(with.rejected));
		table.row("failed calls (cold start; load)", "0", without.coldFailed + "; " + without.failedText,
				with.coldFailed + "; " + with.failedText);
		table.row("latency p50 / p99 / max, steady (ms)", "", without.steady.p50p99max(), with.steady.p50p99max());
		table.row("latency p50 / p99 / max, " + RENEWAL_WINDOW.toMillis() + " ms after each token request (ms)", "",
				without.atRenewal.p50p99max() + " (" + without.renewalPoints + " requests)",
				with.atRenewal.p50p99max() + " (" + with.renewalPoints + " requests)");
		table.row("hot path: throughput, median of rounds (calls/s)", "", fmt0(Load.median(hot.throughput.get(0))),
				fmt0(Load.median(hot.throughput.get(1))));
		table.row("hot path: CPU time of the whole process per call, median of rounds (us)", "",
				fmt(Load.median(hot.cpu.get(0))), fmt(Load.median(hot.cpu.get(1))));
		table.row("hot path: throughput ratio with / without store, median (min-max) of rounds",
				"no overhead measurable", "1", ratioText(hot.ratios));
		table.row("hot path: token requests and failed calls during the rounds", "0",
				hot.tokensDuring[0] + "; " + hot.failed[0], hot.tokensDuring[1] + "; " + hot.failed[1]);

		// The fleet without the store renews as its instances each do; one of them alone
		// makes the fleet's count divided by the number of instances.
		double oneInstance = without.perLifetime / p.instances();
		boolean shares = with.perLifetime > 0 && with.perLifetime <= oneInstance * 1.25 && with.rejected == 0;
		this.report.verdict("6: with the store, the fleet renews as one instance does (at most 1.25 x one instance)",
				fmt(with.perLifetime) + " token requests per lifetime vs " + fmt(oneInstance) + " of one instance",
				shares,
				String.format(Locale.ROOT,
						"without the store the %d instances made %.2f token requests per lifetime, %.2f each; with "
								+ "it the fleet made %.2f, at most %d in flight at once, %d rejected by the server; "
								+ "cold start: %d token request(s) with the store, %d without",
						p.instances(), without.perLifetime, oneInstance, with.perLifetime, with.maxInFlight,
						with.rejected, with.coldTokens, without.coldTokens));
		boolean noFailures = without.failed == 0 && with.failed == 0;
		this.report.verdict("6: 0 failed calls in both fleets", without.failed + " / " + with.failed, noFailures,
				noFailures
						? "every call of " + without.calls + " (without) and " + with.calls
								+ " (with the store) succeeded across the renewals"
						: "see the failure reasons in the fleet table");
		double ratio = Load.median(hot.ratios);
		double cpuWithout = Load.median(hot.cpu.get(0));
		double cpuWith = Load.median(hot.cpu.get(1));
		boolean none = ratio >= 0.97 && hot.tokensDuring[1] == 0;
		this.report.verdict("6: no measurable overhead of the store on the hot path (throughput ratio at least 0.97)",
				String.format(Locale.ROOT, "%.3f", ratio), none,
				String.format(Locale.ROOT,
						"CPU per call %.1f us with the store vs %.1f us without (%+.1f%%); throughput ratio per "
								+ "round %s; token requests during the rounds: %d with the store",
						cpuWith, cpuWithout, 100 * (cpuWith - cpuWithout) / cpuWithout, ratioText(hot.ratios),
						hot.tokensDuring[1])
						+ (none ? "" : ". Two fleets of 8 contexts on a 2-core machine that also runs Redis, the "
								+ "server and the load generator: see the min-max range for the noise"));
	}

	private static String failures(Samples samples) {
		return (samples.failures() == 0) ? "0" : samples.failures() + " " + samples.failureReasons();
	}

	private static String fmt(double value) {
		return String.format(Locale.ROOT, "%.2f", value);
	}

	private static String fmt0(double value) {
		return String.format(Locale.ROOT, "%.0f", value);
	}

	private static String ratioText(List<Double> ratios) {
		double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
		double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
		return String.format(Locale.ROOT, "%.3f (%.3f-%.3f)", Load.median(ratios), min, max);
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = new String[first.length + more.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

	/**
	 * What the server saw of one fleet across the lifetimes.
	 */
	private record Phase(long coldTokens, String coldFailed, long during, String duringByGrant, double perLifetime,
			int maxInFlight, long rejected, long failed, String failedText, long calls, Stats steady, Stats atRenewal,
			int renewalPoints) {
	}

	/**
	 * The hot-path rounds: index 0 without the store, 1 with it.
	 */
	private record HotPath(List<List<Double>> throughput, List<List<Double>> cpu, List<Double> ratios, long[] failed,
			long[] tokensDuring) {
	}

	/**
	 * Application instances of one client id; calls go to them in turn.
	 */
	static final class Fleet implements Caller, AutoCloseable {

		final String clientId;

		private final List<ConfigurableApplicationContext> instances;

		private final WebClient[] clients;

		private Fleet(String clientId, List<ConfigurableApplicationContext> instances) {
			this.clientId = clientId;
			this.instances = instances;
			this.clients = instances.stream().map(PosApplications::posWebClient).toArray(WebClient[]::new);
		}

		static Fleet start(FakePosServer server, String clientId, int size, String... properties) {
			ExecutorService starters = Executors.newFixedThreadPool(2);
			try {
				List<Future<ConfigurableApplicationContext>> started = new ArrayList<>();
				for (int i = 0; i < size; i++) {
					started.add(starters.submit(() -> PosApplications.start(server, clientId, (context) -> {
					}, properties)));
				}
				List<ConfigurableApplicationContext> instances = new ArrayList<>();
				for (Future<ConfigurableApplicationContext> instance : started) {
					instances.add(instance.get(2, java.util.concurrent.TimeUnit.MINUTES));
				}
				return new Fleet(clientId, instances);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
				throw new IllegalStateException("An instance of the fleet did not start", ex);
			}
			finally {
				starters.shutdownNow();
			}
		}

		@Override
		public Mono<String> call(long id) {
			return this.clients[(int) (id % this.clients.length)].get()
				.uri("/stores/{id}", id)
				.retrieve()
				.bodyToMono(String.class);
		}

		@Override
		public void close() {
			this.instances.forEach(ConfigurableApplicationContext::close);
		}

	}

}
