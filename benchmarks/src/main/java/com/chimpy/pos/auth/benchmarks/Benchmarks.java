package com.chimpy.pos.auth.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import reactor.netty.http.client.HttpClient;

import com.chimpy.pos.auth.benchmarks.Contender.Kind;
import com.chimpy.pos.auth.benchmarks.FakePosServer.Counters;
import com.chimpy.pos.auth.benchmarks.FakePosServer.Issued;
import com.chimpy.pos.auth.benchmarks.Samples.Stats;

import org.springframework.core.SpringVersion;
import org.springframework.security.core.SpringSecurityCoreVersion;

/**
 * Runs the five scenarios of the benchmark against the three contenders and one fake
 * server, and two scenarios of pos-auth alone (a fleet of instances with and without the
 * shared token store, many accounts in one instance), prints the results tables and
 * writes them, with the machine and what each number means, to {@code RESULTS.md}.
 * <p>
 * Arguments: {@code --quick} scales every scenario down to a smoke run (written to
 * {@code RESULTS-quick.md}); {@code --only 67} runs only the scenarios of the given
 * numbers; {@code --out <file>} chooses the output file.
 */
public final class Benchmarks {

	private static final Kind[] KINDS = { Kind.POS_AUTH, Kind.STOCK, Kind.FIXED };

	private static final Kind[] OVERHEAD_KINDS = { Kind.POS_AUTH, Kind.STOCK, Kind.FIXED, Kind.FILTER_ONLY };

	private static final Duration LONG_LIFETIME = Duration.ofHours(1);

	private final FakePosServer server;

	private final Params params;

	private final Report report = new Report();

	private Benchmarks(FakePosServer server, Params params) {
		this.server = server;
		this.params = params;
	}

	/**
	 * Run all scenarios.
	 * @param args {@code --quick}, {@code --out <file>}
	 * @throws IOException when the results cannot be written
	 */
	public static void main(String[] args) throws IOException {
		boolean quick = false;
		Path out = null;
		String only = "1234567";
		for (int i = 0; i < args.length; i++) {
			if ("--quick".equals(args[i])) {
				quick = true;
			}
			else if ("--only".equals(args[i]) && i + 1 < args.length) {
				only = args[++i];
			}
			else if ("--out".equals(args[i]) && i + 1 < args.length) {
				out = Path.of(args[++i]);
			}
			else {
				System.err.println("Usage: java -jar benchmarks.jar [--quick] [--only 1234567] [--out RESULTS.md]");
				System.exit(2);
			}
		}
		Params params = quick ? Params.QUICK : Params.FULL;
		if (out == null) {
			Path dir = Files.isDirectory(Path.of("benchmarks")) ? Path.of("benchmarks") : Path.of(".");
			out = dir.resolve(quick ? "RESULTS-quick.md" : "RESULTS.md");
		}
		long began = System.nanoTime();
		String results;
		try (FakePosServer server = new FakePosServer()) {
			Benchmarks benchmarks = new Benchmarks(server, params);
			benchmarks.warmUp();
			if (only.contains("1")) {
				benchmarks.stampede();
			}
			if (only.contains("2")) {
				benchmarks.expiryUnderLoad();
			}
			if (only.contains("3")) {
				benchmarks.overhead();
			}
			if (only.contains("4")) {
				benchmarks.storm();
			}
			if (only.contains("5")) {
				benchmarks.memory();
			}
			if (only.contains("6")) {
				new FleetScenario(server, params.fleet, benchmarks.report, Benchmarks::progress).run();
			}
			if (only.contains("7")) {
				new AccountsScenario(server, params.accounts, benchmarks.report, Benchmarks::progress).run();
			}
			Duration took = Duration.ofNanos(System.nanoTime() - began);
			results = benchmarks.results(took);
			System.out.println();
			System.out.println(benchmarks.report.table());
			System.out.println(benchmarks.report.tables());
			System.out.println("All scenarios took " + took.toSeconds() + " s; written to " + out.toAbsolutePath());
		}
		Files.writeString(out, results);
		System.exit(0);
	}

	// ---------------------------------------------------------------------------------------------------------
	// JIT warm-up
	// ---------------------------------------------------------------------------------------------------------

	/**
	 * Run every contender's code paths (a burst on a cold client, a closed loop, a
	 * renewal, a 401) before anything is measured, so that no scenario pays for the JIT
	 * compilation of another's code.
	 */
	private void warmUp() {
		progress("warm-up: every contender, " + this.params.warmUp.toMillis() + " ms each");
		this.server.configure(Duration.ofMillis(10), Duration.ofSeconds(2));
		for (Kind kind : OVERHEAD_KINDS) {
			try (Contender contender = Contender.create(kind, this.server, "warm", Duration.ofSeconds(2))) {
				Load.burst(contender, new Samples(1), 1000);
				Load.closedLoop(contender, new Samples(1), 32, Integer.MAX_VALUE, this.params.warmUp.dividedBy(2));
				this.server.revokeAll();
				Load.closedLoop(contender, new Samples(1), 32, Integer.MAX_VALUE, this.params.warmUp.dividedBy(2));
			}
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// 1. Cold-start stampede
	// ---------------------------------------------------------------------------------------------------------

	private void stampede() {
		int calls = this.params.stampedeCalls;
		Duration latency = Duration.ofMillis(200);
		this.server.configure(latency, LONG_LIFETIME);
		progress("1. cold-start stampede: " + calls + " concurrent calls, token latency 200 ms");
		Map<Kind, String> tokens = new EnumMap<>(Kind.class);
		Map<Kind, String> inFlight = new EnumMap<>(Kind.class);
		Map<Kind, String> failed = new EnumMap<>(Kind.class);
		Map<Kind, String> latencies = new EnumMap<>(Kind.class);
		Map<Kind, String> wall = new EnumMap<>(Kind.class);
		long posAuthTokens = -1;
		for (Kind kind : KINDS) {
			try (Contender contender = Contender.create(kind, this.server, "s1", LONG_LIFETIME)) {
				Samples samples = new Samples(calls);
				long start = System.nanoTime();
				Load.burst(contender, samples, calls);
				long took = System.nanoTime() - start;
				Counters counters = this.server.counters(contender.clientId);
				tokens.put(kind, (kind == Kind.FIXED) ? "0 (fixed token)" : counters.tokenRequestsByGrant());
				inFlight.put(kind, String.valueOf(counters.maxInFlight.get()));
				failed.put(kind, failures(samples));
				latencies.put(kind, samples.stats().p50p99max());
				wall.put(kind, Stats.ms(took));
				if (kind == Kind.POS_AUTH) {
					posAuthTokens = counters.tokenRequests();
				}
			}
		}
		String scenario = "1 stampede";
		put(scenario, "token requests", tokens, "exactly 1");
		put(scenario, "most token requests in flight at once", inFlight, "");
		put(scenario, "failed calls", failed, "");
		put(scenario, "call latency p50 / p99 / max (ms)", latencies, "");
		put(scenario, "time for all " + calls + " calls (ms)", wall, "");
		this.report.mark(scenario, "token requests", posAuthTokens == 1);
		this.report.verdict("1: exactly 1 token request for " + calls + " concurrent cold calls", posAuthTokens + "",
				posAuthTokens == 1, (posAuthTokens == 1) ? "every call joined the one flight of `PosTokenState`"
						: "more than one token request reached the server: the single flight did not hold");
	}

	// ---------------------------------------------------------------------------------------------------------
	// 2. Expiry under load
	// ---------------------------------------------------------------------------------------------------------

	private void expiryUnderLoad() {
		Params p = this.params;
		Duration lifetime = p.expiryLifetime;
		Duration latency = Duration.ofMillis(300);
		this.server.configure(latency, lifetime);
		progress("2. expiry under load: token lifetime " + lifetime.toSeconds() + " s, " + p.expiryRate
				+ " calls/s for " + p.expiryDuration.toSeconds() + " s, token latency 300 ms");
		Map<Kind, String> tokens = new EnumMap<>(Kind.class);
		Map<Kind, String> renewals = new EnumMap<>(Kind.class);
		Map<Kind, String> inFlight = new EnumMap<>(Kind.class);
		Map<Kind, String> failed = new EnumMap<>(Kind.class);
		Map<Kind, String> overall = new EnumMap<>(Kind.class);
		Map<Kind, String> steady = new EnumMap<>(Kind.class);
		Map<Kind, String> afterExpiry = new EnumMap<>(Kind.class);
		Map<Kind, String> afterRenewal = new EnumMap<>(Kind.class);
		double posAuthPerLifetime = 0;
		long posAuthMaxInFlight = 0;
		long posAuthFailures = 0;
		long posAuthSteadyP99 = 0;
		long posAuthExpiryP99 = 0;
		long posAuthExpiryMax = 0;
		long fixedP99 = 0;
		double lifetimes = (double) p.expiryDuration.toMillis() / lifetime.toMillis();
		for (Kind kind : KINDS) {
			Duration contenderLifetime = (kind == Kind.FIXED) ? LONG_LIFETIME : lifetime;
			try (Contender contender = Contender.create(kind, this.server, "s2", contenderLifetime)) {
				contender.call(0).block(Load.CALL_TIMEOUT);
				Counters counters = this.server.counters(contender.clientId);
				long before = counters.tokenRequests();
				Samples samples = new Samples(p.expiryRate * (int) p.expiryDuration.toSeconds() + 1000);
				long loadStart = System.nanoTime();
				Load.openLoop(contender, samples, p.expiryRate, p.expiryDuration);
				long loadEnd = loadStart + p.expiryDuration.toNanos();
				long second = Duration.ofSeconds(1).toNanos();
				Load.Windows expiries = new Load.Windows();
				for (Issued issued : counters.issued) {
					if (issued.expiresAt() - loadStart >= 0 && issued.expiresAt() - loadEnd < 0) {
						expiries.add(issued.expiresAt(), issued.expiresAt() + second);
					}
				}
				expiries.merge();
				Load.Windows renewalStarts = new Load.Windows();
				for (long arrival : counters.tokenRequestArrivals()) {
					if (arrival - loadStart >= 0 && arrival - loadEnd < 0) {
						renewalStarts.add(arrival, arrival + second);
					}
				}
				renewalStarts.merge();
				Stats all = samples.stats();
				Stats calm = samples
					.stats((t) -> t - (loadStart + second) >= 0 && !expiries.contains(t) && !renewalStarts.contains(t));
				Stats expiring = samples.stats(expiries::contains);
				Stats renewing = samples.stats(renewalStarts::contains);
				long during = counters.tokenRequests() - before;
				tokens.put(kind, (kind == Kind.FIXED) ? "0 (fixed token, 1 h)" : counters.tokenRequestsByGrant());
				renewals.put(kind, (kind == Kind.FIXED) ? "0"
						: during + String.format(Locale.ROOT, " (%.2f per lifetime)", during / lifetimes));
				inFlight.put(kind, String.valueOf(counters.maxInFlight.get()));
				failed.put(kind, failures(samples));
				overall.put(kind, all.p50p99max());
				steady.put(kind, calm.p50p99max());
				afterExpiry.put(kind, (expiries.count() == 0) ? "n/a (no expiry)"
						: expiring.p50p99max() + " (" + expiries.count() + " expiry points)");
				afterRenewal.put(kind, (renewalStarts.count() == 0) ? "n/a (no renewal)"
						: renewing.p50p99max() + " (" + renewalStarts.count() + " requests)");
				if (kind == Kind.POS_AUTH) {
					posAuthPerLifetime = during / lifetimes;
					posAuthMaxInFlight = counters.maxInFlight.get();
					posAuthFailures = samples.failures();
					posAuthSteadyP99 = calm.p99();
					posAuthExpiryP99 = expiring.p99();
					posAuthExpiryMax = expiring.max();
				}
				if (kind == Kind.FIXED) {
					fixedP99 = calm.p99();
				}
			}
		}
		String scenario = "2 expiry under load";
		put(scenario, "token requests (incl. the first)", tokens, "");
		put(scenario, "token requests during the load", renewals, "1 per lifetime");
		put(scenario, "most token requests in flight at once", inFlight, "");
		put(scenario, "failed calls", failed, "0");
		put(scenario, "latency p50 / p99 / max, whole run (ms)", overall, "");
		put(scenario, "latency p50 / p99 / max, steady: away from expiries and renewals (ms)", steady, "");
		put(scenario, "latency p50 / p99 / max, 1 s after each expiry point (ms)", afterExpiry,
				"p99 within 10% of steady p99");
		put(scenario, "latency p50 / p99 / max, 1 s after each token request (ms)", afterRenewal, "");
		String perLifetime = String.format(Locale.ROOT, "%.2f per %d s lifetime, at most %d in flight",
				posAuthPerLifetime, lifetime.toSeconds(), posAuthMaxInFlight);
		boolean onePerLifetime = posAuthPerLifetime <= 1.1 && posAuthMaxInFlight == 1;
		this.report.mark(scenario, "token requests during the load", onePerLifetime);
		String renewalWhy;
		if (onePerLifetime) {
			renewalWhy = "one renewal per token and never two in flight";
		}
		else if (posAuthMaxInFlight > 1) {
			renewalWhy = "more than one token request was in flight at once: renewals were duplicated";
		}
		else {
			renewalWhy = "never more than one request in flight, so no renewal was duplicated; but pos-auth renews "
					+ "at its refresh-ahead point, which is capped at half the lifetime (README: "
					+ "`pos.auth.refresh-ahead`, default 5 min, at most half the lifetime). A " + lifetime.toSeconds()
					+ " s token is therefore renewed " + (lifetime.toMillis() / 2) + " ms after it was issued, and the "
					+ "next one that long plus the 300 ms token latency later: about "
					+ String.format(Locale.ROOT, "%.1f", lifetime.toMillis() / (lifetime.toMillis() / 2.0 + 300))
					+ " renewals per lifetime, by the renewal policy, not by duplication";
		}
		this.report.verdict("2: one renewal per lifetime", perLifetime, onePerLifetime, renewalWhy);
		this.report.mark(scenario, "failed calls", posAuthFailures == 0);
		this.report.verdict("2: 0 failed calls", String.valueOf(posAuthFailures), posAuthFailures == 0,
				(posAuthFailures == 0) ? "callers were served the current token while the background renewal ran"
						: "see failure reasons in the table");
		boolean withinTen = posAuthSteadyP99 > 0 && posAuthExpiryP99 > 0 && posAuthExpiryP99 <= posAuthSteadyP99 * 1.10;
		String waited = (posAuthExpiryMax < latency.toNanos())
				? "the slowest call after an expiry point took " + Stats.ms(posAuthExpiryMax)
						+ " ms, less than one token request (300 ms), so no call waited for a token there"
				: "the slowest call after an expiry point took " + Stats.ms(posAuthExpiryMax)
						+ " ms, at least one token request (300 ms): some call waited for a renewal";
		this.report.mark(scenario, "latency p50 / p99 / max, 1 s after each expiry point (ms)", withinTen);
		this.report.verdict("2: p99 in the second after each expiry point within 10% of the steady p99",
				Stats.ms(posAuthExpiryP99) + " ms vs " + Stats.ms(posAuthSteadyP99) + " ms ("
						+ String.format(Locale.ROOT, "%+.0f%%",
								100.0 * (posAuthExpiryP99 - posAuthSteadyP99) / Math.max(1, posAuthSteadyP99))
						+ ")",
				withinTen,
				waited + "; for scale, (c), which has no token logic at all, had a steady p99 of " + Stats.ms(fixedP99)
						+ " ms in the same scenario"
						+ (withinTen ? "" : ". A p99 over a few hundred calls per window on a 2-core machine that "
								+ "also runs the server and the load generator moves by more than 10% with every GC "
								+ "pause or scheduler hiccup"));
	}

	// ---------------------------------------------------------------------------------------------------------
	// 3. Overhead
	// ---------------------------------------------------------------------------------------------------------

	private void overhead() {
		Params p = this.params;
		this.server.configure(Duration.ZERO, LONG_LIFETIME);
		progress("3. overhead: closed loop of " + p.overheadConcurrency + " concurrent calls, " + p.overheadRounds
				+ " interleaved rounds of " + p.overheadRound.toMillis() + " ms per contender after a warm-up of "
				+ p.overheadWarmup.toMillis() + " ms each");
		Map<Kind, Contender> contenders = new EnumMap<>(Kind.class);
		Map<Kind, List<Double>> throughput = new EnumMap<>(Kind.class);
		Map<Kind, List<Double>> p50 = new EnumMap<>(Kind.class);
		Map<Kind, List<Double>> p99 = new EnumMap<>(Kind.class);
		Map<Kind, Long> failures = new EnumMap<>(Kind.class);
		Map<Kind, List<Double>> cpu = new EnumMap<>(Kind.class);
		Map<Kind, List<Double>> allocation = new EnumMap<>(Kind.class);
		List<Double> ratioA = new ArrayList<>();
		List<Double> ratioB = new ArrayList<>();
		List<Double> ratioF = new ArrayList<>();
		try {
			for (Kind kind : OVERHEAD_KINDS) {
				Contender contender = Contender.create(kind, this.server, "s3", LONG_LIFETIME);
				contenders.put(kind, contender);
				contender.call(0).block(Load.CALL_TIMEOUT);
				throughput.put(kind, new ArrayList<>());
				p50.put(kind, new ArrayList<>());
				p99.put(kind, new ArrayList<>());
				cpu.put(kind, new ArrayList<>());
				allocation.put(kind, new ArrayList<>());
				failures.put(kind, 0L);
			}
			for (Kind kind : OVERHEAD_KINDS) {
				Load.closedLoop(contenders.get(kind), new Samples(1), p.overheadConcurrency, Integer.MAX_VALUE,
						p.overheadWarmup);
			}
			int capacity = 200_000;
			for (int round = 0; round < p.overheadRounds; round++) {
				Map<Kind, Double> roundThroughput = new EnumMap<>(Kind.class);
				for (int i = 0; i < OVERHEAD_KINDS.length; i++) {
					// Rotate the order, and reverse it every other round, so that no
					// client always follows another.
					int slot = (round % 2 == 0) ? i : OVERHEAD_KINDS.length - 1 - i;
					Kind kind = OVERHEAD_KINDS[(round / 2 + slot) % OVERHEAD_KINDS.length];
					System.gc();
					Samples samples = new Samples(capacity);
					long allocatedStart = Load.allocatedBytes();
					long cpuStart = Load.processCpuNanos();
					long start = System.nanoTime();
					Load.closedLoop(contenders.get(kind), samples, p.overheadConcurrency, Integer.MAX_VALUE,
							p.overheadRound);
					double seconds = (System.nanoTime() - start) / 1e9;
					cpu.get(kind).add((Load.processCpuNanos() - cpuStart) / 1000.0 / Math.max(1, samples.calls()));
					allocation.get(kind)
						.add((double) (Load.allocatedBytes() - allocatedStart) / Math.max(1, samples.calls()));
					Stats stats = samples.stats();
					double calls = samples.calls() - samples.failures();
					roundThroughput.put(kind, calls / seconds);
					throughput.get(kind).add(calls / seconds);
					p50.get(kind).add((double) stats.p50());
					p99.get(kind).add((double) stats.p99());
					failures.merge(kind, samples.failures(), Long::sum);
				}
				progress(String.format(Locale.ROOT, "   round %d: calls/s (a) %.0f, (b) %.0f, (c) %.0f, (c') %.0f",
						round + 1, roundThroughput.get(Kind.POS_AUTH), roundThroughput.get(Kind.STOCK),
						roundThroughput.get(Kind.FIXED), roundThroughput.get(Kind.FILTER_ONLY)));
				ratioA.add(roundThroughput.get(Kind.POS_AUTH) / roundThroughput.get(Kind.FIXED));
				ratioB.add(roundThroughput.get(Kind.STOCK) / roundThroughput.get(Kind.FIXED));
				ratioF.add(roundThroughput.get(Kind.FILTER_ONLY) / roundThroughput.get(Kind.FIXED));
			}
		}
		finally {
			contenders.values().forEach(Contender::close);
		}
		String scenario = "3 overhead";
		Map<Kind, String> tput = new EnumMap<>(Kind.class);
		Map<Kind, String> lat = new EnumMap<>(Kind.class);
		Map<Kind, String> ratio = new EnumMap<>(Kind.class);
		Map<Kind, String> failed = new EnumMap<>(Kind.class);
		Map<Kind, String> cpuPerCall = new EnumMap<>(Kind.class);
		Map<Kind, String> bytesPerCall = new EnumMap<>(Kind.class);
		double cpuC = Load.median(cpu.get(Kind.FIXED));
		double bytesC = Load.median(allocation.get(Kind.FIXED));
		for (Kind kind : KINDS) {
			double bytes = Load.median(allocation.get(kind));
			bytesPerCall.put(kind, String.format(Locale.ROOT, "%.0f", bytes)
					+ ((kind == Kind.FIXED) ? "" : String.format(Locale.ROOT, " (%+.0f vs (c))", bytes - bytesC)));
			double c = Load.median(cpu.get(kind));
			cpuPerCall.put(kind, String.format(Locale.ROOT, "%.1f", c)
					+ ((kind == Kind.FIXED) ? "" : String.format(Locale.ROOT, " (%+.1f vs (c))", c - cpuC)));
			tput.put(kind, String.format(Locale.ROOT, "%.0f", Load.median(throughput.get(kind))));
			lat.put(kind,
					Stats.ms((long) Load.median(p50.get(kind))) + " / " + Stats.ms((long) Load.median(p99.get(kind))));
			failed.put(kind, String.valueOf(failures.get(kind)));
		}
		ratio.put(Kind.POS_AUTH, ratioText(ratioA));
		ratio.put(Kind.STOCK, ratioText(ratioB));
		ratio.put(Kind.FIXED, "1");
		put(scenario, "throughput, median of rounds (calls/s)", tput, "");
		put(scenario, "latency p50 / p99, median of rounds (ms)", lat, "");
		put(scenario, "throughput ratio to (c), median (min-max) of rounds", ratio, ">= 0.97");
		put(scenario, "CPU time of the whole process per call, median of rounds (us)", cpuPerCall, "");
		put(scenario, "heap allocated per call, whole process, median of rounds (bytes)", bytesPerCall, "");
		put(scenario, "failed calls", failed, "");
		double cpuF = Load.median(cpu.get(Kind.FILTER_ONLY));
		double bytesF = Load.median(allocation.get(Kind.FILTER_ONLY));
		this.report
			.row(scenario,
					"for scale, in the (c) column: (c') = (c) with the header set by a one-line "
							+ "filter; ratio to (c), CPU per call (us), bytes per call")
			.value(Kind.FIXED,
					ratioText(ratioF) + "; " + String.format(Locale.ROOT, "%.1f (%+.1f vs (c))", cpuF, cpuF - cpuC)
							+ "; " + String.format(Locale.ROOT, "%.0f (%+.0f vs (c))", bytesF, bytesF - bytesC)
							+ "; failed " + failures.get(Kind.FILTER_ONLY))
			.add();
		double medianA = Load.median(ratioA);
		double cpuA = Load.median(cpu.get(Kind.POS_AUTH));
		boolean met = medianA >= 0.97;
		String cpuFact = String.format(Locale.ROOT,
				"CPU per call (client, fake server and load generator together) was %.1f us for (a) and %.1f us for "
						+ "(c), %+.1f%%; a one-line filter that only sets the same header, (c'), already costs "
						+ "%+.1f us and reaches a ratio of %.3f. Heap allocated per call: %.0f bytes for (a), %.0f for "
						+ "(c), %.0f for (c')",
				cpuA, cpuC, 100 * (cpuA - cpuC) / cpuC, cpuF - cpuC, Load.median(ratioF),
				Load.median(allocation.get(Kind.POS_AUTH)), bytesC, bytesF);
		this.report.mark(scenario, "throughput ratio to (c), median (min-max) of rounds", met);
		this.report.verdict("3: throughput ratio to (c) at least 0.97", String.format(Locale.ROOT, "%.3f", medianA),
				met,
				cpuFact + (met ? "" : ". The whole set-up is CPU-bound on 2 cores, so extra CPU per call "
						+ "translates into lost throughput almost one to one: per call the filter checks the origin, "
						+ "reads the token from memory (one `Instant.now()`), copies the request with "
						+ "`ClientRequest.from(..)` to set the header (as (c') does), and adds a `flatMap` to look for a "
						+ "401. A ratio far below what the CPU difference explains points to noise from other load on "
						+ "the machine (see the min-max range)"));
	}

	private static String ratioText(List<Double> ratios) {
		double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
		double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
		return String.format(Locale.ROOT, "%.3f (%.3f-%.3f)", Load.median(ratios), min, max);
	}

	// ---------------------------------------------------------------------------------------------------------
	// 4. 401 storm
	// ---------------------------------------------------------------------------------------------------------

	private void storm() {
		Params p = this.params;
		Duration latency = Duration.ofMillis(200);
		this.server.configure(latency, LONG_LIFETIME);
		Duration revokeAfter = p.stormDuration.dividedBy(2);
		progress("4. 401 storm: closed loop of " + p.stormConcurrency + " concurrent calls for "
				+ p.stormDuration.toMillis() + " ms, all tokens revoked after " + revokeAfter.toMillis()
				+ " ms, token latency 200 ms");
		Map<Kind, String> renewals = new EnumMap<>(Kind.class);
		Map<Kind, String> inFlight = new EnumMap<>(Kind.class);
		Map<Kind, String> unauthorized = new EnumMap<>(Kind.class);
		Map<Kind, String> replays = new EnumMap<>(Kind.class);
		Map<Kind, String> failed = new EnumMap<>(Kind.class);
		Map<Kind, String> after = new EnumMap<>(Kind.class);
		long posAuthRenewals = -1;
		long posAuthFailures = -1;
		for (Kind kind : KINDS) {
			try (Contender contender = Contender.create(kind, this.server, "s4", LONG_LIFETIME)) {
				contender.call(0).block(Load.CALL_TIMEOUT);
				Counters counters = this.server.counters(contender.clientId);
				Map<String, Long> tokensBefore = counters.snapshot();
				long apiBefore = counters.apiRequests.sum();
				long unauthorizedBefore = counters.unauthorized.sum();
				Samples samples = new Samples(500_000);
				AtomicLong revokedAt = new AtomicLong();
				Load.schedule(revokeAfter, () -> {
					revokedAt.set(System.nanoTime());
					this.server.revokeAll();
				});
				Load.closedLoop(contender, samples, p.stormConcurrency, Integer.MAX_VALUE, p.stormDuration);
				Map<String, Long> tokensAfter = counters.snapshot();
				List<String> parts = new ArrayList<>();
				long renewed = 0;
				for (String grant : FakePosServer.GRANT_TYPES) {
					long count = tokensAfter.get(grant) - tokensBefore.get(grant);
					renewed += count;
					if (count > 0) {
						parts.add(count + " " + grant);
					}
				}
				long revoked = revokedAt.get();
				long second = Duration.ofSeconds(1).toNanos();
				renewals.put(kind, parts.isEmpty() ? "0" : String.join(" + ", parts));
				inFlight.put(kind, String.valueOf(counters.maxInFlight.get()));
				unauthorized.put(kind, String.valueOf(counters.unauthorized.sum() - unauthorizedBefore));
				replays.put(kind, String.valueOf(counters.apiRequests.sum() - apiBefore - samples.calls()));
				failed.put(kind, failures(samples));
				after.put(kind, samples.stats((t) -> t - revoked >= 0 && t - (revoked + second) < 0).p50p99max());
				if (kind == Kind.POS_AUTH) {
					posAuthRenewals = renewed;
					posAuthFailures = samples.failures();
				}
			}
		}
		String scenario = "4 401 storm";
		put(scenario, "token requests after the revocation (renewals)", renewals, "1");
		put(scenario, "most token requests in flight at once", inFlight, "");
		put(scenario, "401 answers of the API", unauthorized, "");
		put(scenario, "replayed requests (API requests minus calls)", replays, "");
		put(scenario, "failed calls", failed, "0");
		put(scenario, "latency p50 / p99 / max, 1 s after the revocation (ms)", after, "");
		boolean met = posAuthRenewals == 1 && posAuthFailures == 0;
		this.report.mark(scenario, "token requests after the revocation (renewals)", posAuthRenewals == 1);
		this.report.mark(scenario, "failed calls", posAuthFailures == 0);
		this.report.verdict("4: one renewal and 0 failed calls after all tokens are revoked",
				posAuthRenewals + " renewal(s), " + posAuthFailures + " failed", met,
				met ? "the first 401 dropped exactly the rejected token; every other 401 found it already renewed "
						+ "and replayed with the new one"
						: "see the table; the 401 replay path of `PosBearerExchangeFilterFunction` did not hold");
	}

	// ---------------------------------------------------------------------------------------------------------
	// 5. Memory
	// ---------------------------------------------------------------------------------------------------------

	private void memory() {
		Params p = this.params;
		Duration lifetime = Duration.ofSeconds(2);
		this.server.configure(Duration.ofMillis(20), lifetime);
		progress("5. memory: up to " + p.memoryCalls + " calls (at most " + p.memoryMaxTime.toSeconds()
				+ " s) per contender, token lifetime 2 s, token latency 20 ms");
		Map<Kind, String> calls = new EnumMap<>(Kind.class);
		Map<Kind, String> tokens = new EnumMap<>(Kind.class);
		Map<Kind, String> failed = new EnumMap<>(Kind.class);
		Map<Kind, String> heapAfter = new EnumMap<>(Kind.class);
		Map<Kind, String> growth = new EnumMap<>(Kind.class);
		Map<Kind, Long> growthBytes = new EnumMap<>(Kind.class);
		Kind[] order = { Kind.FIXED, Kind.POS_AUTH, Kind.STOCK };
		for (Kind kind : order) {
			this.server.purge();
			long before = Load.usedHeapAfterGc();
			Contender contender = Contender.create(kind, this.server, "s5",
					(kind == Kind.FIXED) ? LONG_LIFETIME : lifetime);
			try {
				Samples samples = new Samples(1);
				long start = System.nanoTime();
				Load.closedLoop(contender, samples, p.memoryConcurrency, p.memoryCalls, p.memoryMaxTime);
				double seconds = (System.nanoTime() - start) / 1e9;
				this.server.purge();
				long afterBytes = Load.usedHeapAfterGc();
				java.lang.ref.Reference.reachabilityFence(contender);
				Counters counters = this.server.counters(contender.clientId);
				calls.put(kind, String.format(Locale.ROOT, "%d in %.1f s", samples.calls(), seconds));
				tokens.put(kind, (kind == Kind.FIXED) ? "0 (fixed token)" : counters.tokenRequestsByGrant());
				failed.put(kind, failures(samples));
				heapAfter.put(kind, mb(afterBytes));
				growthBytes.put(kind, afterBytes - before);
			}
			finally {
				contender.close();
			}
		}
		long reference = growthBytes.get(Kind.FIXED);
		for (Kind kind : KINDS) {
			long g = growthBytes.get(kind);
			growth.put(kind, mb(g) + ((kind == Kind.FIXED) ? "" : " (" + signedMb(g - reference) + " vs (c))"));
		}
		String scenario = "5 memory";
		put(scenario, "calls made", calls, "");
		put(scenario, "token requests", tokens, "");
		put(scenario, "failed calls", failed, "");
		put(scenario, "heap used after full GC, after the calls (MB)", heapAfter, "");
		put(scenario, "heap growth over the calls, after full GC (MB)", growth, "(none stated)");
	}

	// ---------------------------------------------------------------------------------------------------------
	// Output
	// ---------------------------------------------------------------------------------------------------------

	private void put(String scenario, String figure, Map<Kind, String> values, String target) {
		Report.Row row = this.report.row(scenario, figure).target(target);
		values.forEach(row::value);
		row.add();
	}

	private static String failures(Samples samples) {
		return (samples.failures() == 0) ? "0" : samples.failures() + " " + samples.failureReasons();
	}

	private static String mb(long bytes) {
		return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
	}

	private static String signedMb(long bytes) {
		return String.format(Locale.ROOT, "%+.1f", bytes / 1048576.0);
	}

	private static void progress(String message) {
		System.out
			.println("[" + DateTimeFormatter.ISO_LOCAL_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)).substring(0, 8)
					+ "] " + message);
	}

	private String results(Duration took) {
		Params p = this.params;
		StringBuilder md = new StringBuilder();
		md.append("# pos-auth benchmark results\n\n");
		if (p == Params.QUICK) {
			md.append("**Smoke run (`--quick`): every scenario scaled down; these numbers are not the results.**\n\n");
		}
		md.append("Measured ")
			.append(DateTimeFormatter.ISO_LOCAL_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)))
			.append(" on ")
			.append(machine())
			.append(". All scenarios took ")
			.append(took.toSeconds())
			.append(" s. Code measured: ")
			.append(codeVersion())
			.append(".\n\n");
		md.append("Command (from the repository root):\n\n```bash\n")
			.append("./mvnw -B -q -Pbenchmarks -pl benchmarks -am install -DskipTests && ")
			.append("java -jar benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar\n```\n\n");
		md.append("## Results\n\n").append(this.report.table()).append('\n').append(this.report.tables());
		md.append("## Targets for (a)\n\n").append(this.report.verdicts()).append('\n');
		md.append(Explanations.text(p, Contender.stockClockSkew(p.expiryLifetime)));
		md.append(Explanations.fleetAndAccounts(p));
		return md.toString();
	}

	private static String machine() {
		Runtime runtime = Runtime.getRuntime();
		long physical = -1;
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			physical = os.getTotalMemorySize();
		}
		return runtime.availableProcessors() + " cores, "
				+ ((physical > 0) ? (physical / (1024 * 1024)) + " MB RAM, " : "") + System.getProperty("os.name") + " "
				+ System.getProperty("os.version") + " (" + System.getProperty("os.arch") + "), "
				+ System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
				+ System.getProperty("java.vendor") + "), max heap " + (runtime.maxMemory() / (1024 * 1024))
				+ " MB; Spring Framework " + SpringVersion.getVersion() + ", Spring Security "
				+ SpringSecurityCoreVersion.getVersion() + ", Reactor Netty " + version(HttpClient.class);
	}

	/**
	 * The commit of the working directory and whether pos-auth's main code differed from
	 * it, when git is at hand.
	 * @return the commit and whether pos-auth's main code differed from it
	 */
	private static String codeVersion() {
		String head = git("rev-parse", "--short", "HEAD");
		if (head == null || head.isBlank()) {
			return "unknown (no git checkout in the working directory)";
		}
		String dirty = git("status", "--porcelain", "--", ":/pos-auth-autoconfigure/src/main");
		return "commit " + head.trim() + ((dirty != null && !dirty.isBlank())
				? " plus uncommitted changes in pos-auth-autoconfigure/src/main" : "");
	}

	private static String git(String... args) {
		try {
			List<String> command = new ArrayList<>(List.of("git"));
			command.addAll(List.of(args));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			boolean done = process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
			return (done && process.exitValue() == 0) ? output : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static String version(Class<?> type) {
		String version = type.getPackage().getImplementationVersion();
		return (version != null) ? version : "(version not in manifest)";
	}

	/**
	 * The size of each scenario.
	 *
	 * @param stampedeCalls the concurrent calls of the stampede
	 * @param expiryLifetime the token lifetime of the expiry scenario
	 * @param expiryRate the calls per second of the expiry scenario
	 * @param expiryDuration how long the expiry scenario runs
	 * @param overheadConcurrency the concurrency of the overhead scenario
	 * @param overheadWarmup the warm-up of the overhead scenario
	 * @param overheadRounds the rounds of the overhead scenario
	 * @param overheadRound the length of one overhead round
	 * @param stormConcurrency the concurrency of the 401 storm
	 * @param stormDuration how long the 401 storm runs
	 * @param memoryCalls the calls of the memory scenario
	 * @param memoryMaxTime the time limit of the memory scenario
	 * @param memoryConcurrency the concurrency of the memory scenario
	 * @param warmUp the warm-up of each contender
	 * @param fleet the size of the fleet scenario
	 * @param accounts the size of the many-accounts scenario
	 */
	record Params(int stampedeCalls, Duration expiryLifetime, int expiryRate, Duration expiryDuration,
			int overheadConcurrency, Duration overheadWarmup, int overheadRounds, Duration overheadRound,
			int stormConcurrency, Duration stormDuration, int memoryCalls, Duration memoryMaxTime,
			int memoryConcurrency, Duration warmUp, FleetSize fleet, AccountsSize accounts) {

		static final Params FULL = new Params(1000, Duration.ofSeconds(5), 1000, Duration.ofSeconds(15), 32,
				Duration.ofSeconds(2), 5, Duration.ofSeconds(2), 64, Duration.ofSeconds(4), 1_000_000,
				Duration.ofSeconds(15), 32, Duration.ofSeconds(3),
				new FleetSize(8, Duration.ofSeconds(3), 3, 800, 32, 3, Duration.ofMillis(1500)),
				new AccountsSize(1000, 5, 32, 3, Duration.ofSeconds(1), Duration.ofSeconds(6)));

		static final Params QUICK = new Params(1000, Duration.ofSeconds(2), 300, Duration.ofSeconds(2), 16,
				Duration.ofMillis(200), 2, Duration.ofMillis(500), 64, Duration.ofMillis(1500), 10_000,
				Duration.ofSeconds(1), 16, Duration.ofMillis(600),
				new FleetSize(8, Duration.ofSeconds(2), 2, 200, 16, 1, Duration.ofMillis(500)),
				new AccountsSize(1000, 2, 16, 1, Duration.ofMillis(500), Duration.ofSeconds(3)));

	}

	/**
	 * The size of the fleet scenario.
	 *
	 * @param instances the application instances of each fleet
	 * @param lifetime the token lifetime
	 * @param lifetimes how many lifetimes the load runs
	 * @param rate the calls per second of the load, over the whole fleet
	 * @param concurrency the concurrency of the hot-path rounds
	 * @param rounds the hot-path rounds
	 * @param round the length of one hot-path round, per fleet
	 */
	record FleetSize(int instances, Duration lifetime, int lifetimes, int rate, int concurrency, int rounds,
			Duration round) {
	}

	/**
	 * The size of the many-accounts scenario.
	 *
	 * @param accounts the accounts
	 * @param callsPerAccount the calls per account that first spread over them
	 * @param concurrency the concurrency of all its loads
	 * @param rounds the rounds against the single-account path
	 * @param round the length of one round, per path
	 * @param idleTimeout {@code pos.auth.account-idle-timeout}
	 */
	record AccountsSize(int accounts, int callsPerAccount, int concurrency, int rounds, Duration round,
			Duration idleTimeout) {
	}

}
