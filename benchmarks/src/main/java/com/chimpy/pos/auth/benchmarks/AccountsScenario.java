package com.chimpy.pos.auth.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.account.PosAccount;
import com.chimpy.pos.auth.account.PosAccountResolver;
import com.chimpy.pos.auth.account.PosAccounts;
import com.chimpy.pos.auth.account.PosTokenStates;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Scenario 7: one application instance serving many accounts, chosen per call with the
 * request attribute {@code pos.account}: token requests per account (counted by the
 * server per user), the per-call cost against the single-account path, heap per held
 * account and after idle accounts are dropped.
 */
final class AccountsScenario {

	private static final String CLIENT_ID = "s7-accounts";

	static final Duration TOKEN_LATENCY = Duration.ofMillis(10);

	private static final Duration LONG_LIFETIME = Duration.ofHours(1);

	private final FakePosServer server;

	private final Benchmarks.AccountsSize size;

	private final Report report;

	private final Consumer<String> progress;

	private final String[] names;

	private final String[] usernames;

	AccountsScenario(FakePosServer server, Benchmarks.AccountsSize size, Report report, Consumer<String> progress) {
		this.server = server;
		this.size = size;
		this.report = report;
		this.progress = progress;
		this.names = new String[size.accounts()];
		this.usernames = new String[size.accounts()];
		for (int i = 0; i < size.accounts(); i++) {
			this.names[i] = String.format(Locale.ROOT, "store-%04d", i);
			this.usernames[i] = String.format(Locale.ROOT, "merchant-%04d", i);
		}
	}

	void run() {
		Benchmarks.AccountsSize p = this.size;
		this.progress.accept("7. many accounts: " + p.accounts() + " accounts from a PosAccountResolver, "
				+ p.callsPerAccount() + " calls each, then " + p.rounds() + " interleaved rounds of "
				+ p.round().toMillis() + " ms against the single-account path, account idle timeout "
				+ p.idleTimeout().toMillis() + " ms");
		this.server.configure(TOKEN_LATENCY, LONG_LIFETIME);
		Map<String, String> passwords = new HashMap<>();
		Map<String, PosAccount> accounts = new HashMap<>();
		for (int i = 0; i < p.accounts(); i++) {
			String password = "pw-" + i;
			passwords.put(this.usernames[i], password);
			accounts.put(this.names[i], PosAccount.of(this.names[i], this.usernames[i], password));
		}
		this.server.addUsers(passwords);
		PosAccountResolver resolver = (name) -> Mono.justOrEmpty(accounts.get(name));
		try (ConfigurableApplicationContext instance = PosApplications.start(this.server, CLIENT_ID,
				(context) -> context.registerBean("benchmarkAccounts", PosAccountResolver.class, () -> resolver),
				"pos.auth.account-idle-timeout=" + p.idleTimeout().toMillis() + "ms")) {
			WebClient client = PosApplications.posWebClient(instance);
			PosTokenStates states = instance.getBean(PosTokenStates.class);
			Caller single = (id) -> client.get().uri("/stores/{id}", id).retrieve().bodyToMono(String.class);
			Caller many = (id) -> client.get()
				.uri("/stores/{id}", id)
				.attribute(PosAccounts.ATTRIBUTE, this.names[(int) (id % this.names.length)])
				.retrieve()
				.bodyToMono(String.class);
			// The single-account path at the concurrency of the rounds, so that the
			// baseline
			// holds the connections the rounds use.
			Load.closedLoop(single, new Samples(1), p.concurrency(), Integer.MAX_VALUE, Duration.ofMillis(500));
			long baseline = Load.usedHeapAfterGc();

			// First calls: the calls of one account follow each other, so that they are
			// in
			// flight together while its first token is requested.
			Caller first = (id) -> client.get()
				.uri("/stores/{id}", id)
				.attribute(PosAccounts.ATTRIBUTE, this.names[(int) ((id / p.callsPerAccount()) % this.names.length)])
				.retrieve()
				.bodyToMono(String.class);
			// The idle timeout is for the eviction at the end: until then every held
			// account
			// is used at least every 500 ms, however slowly the load reaches it.
			Disposable keeper = Flux.interval(Duration.ofMillis(500)).subscribe((tick) -> {
				for (String name : this.names) {
					states.held(name);
				}
			});
			Samples cold = new Samples(1);
			long coldStart = System.nanoTime();
			Load.closedLoop(first, cold, p.concurrency(), p.accounts() * p.callsPerAccount(), Duration.ofSeconds(60));
			double coldSeconds = (System.nanoTime() - coldStart) / 1e9;
			long[] perAccount = new long[p.accounts()];
			long total = 0;
			for (int i = 0; i < p.accounts(); i++) {
				perAccount[i] = this.server.tokenRequestsOfUser(this.usernames[i]);
				total += perAccount[i];
			}

			List<Double> ratios = new ArrayList<>();
			List<List<Double>> throughput = List.of(new ArrayList<>(), new ArrayList<>());
			List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
			long[] failed = new long[2];
			Caller[] callers = { single, many };
			for (int round = 0; round < p.rounds(); round++) {
				double[] roundThroughput = new double[2];
				for (int i = 0; i < 2; i++) {
					int which = (round % 2 == 0) ? 1 - i : i;
					System.gc();
					Samples samples = new Samples(1);
					long cpuStart = Load.processCpuNanos();
					long start = System.nanoTime();
					Load.closedLoop(callers[which], samples, p.concurrency(), Integer.MAX_VALUE, p.round());
					double seconds = (System.nanoTime() - start) / 1e9;
					cpu.get(which).add((Load.processCpuNanos() - cpuStart) / 1000.0 / Math.max(1, samples.calls()));
					roundThroughput[which] = (samples.calls() - samples.failures()) / seconds;
					throughput.get(which).add(roundThroughput[which]);
					failed[which] += samples.failures();
				}
				ratios.add(roundThroughput[1] / roundThroughput[0]);
				this.progress
					.accept(String.format(Locale.ROOT, "   round %d: calls/s single account %.0f, %d accounts %.0f",
							round + 1, roundThroughput[0], p.accounts(), roundThroughput[1]));
			}
			long afterRounds = 0;
			for (String username : this.usernames) {
				afterRounds += this.server.tokenRequestsOfUser(username);
			}

			keeper.dispose();
			// The server's copies of the tokens would count as the accounts' memory.
			this.server.forgetTokens(CLIENT_ID);
			for (String name : this.names) {
				states.held(name);
			}
			int heldCount = states.getHeldCount();
			long held = Load.usedHeapAfterGc();

			// Idle accounts are dropped after the idle timeout (found by a sweep every
			// half
			// of it) and closed once the calls that took them just before can be done
			// (another idle timeout): wait for both, bounded.
			long waitStart = System.nanoTime();
			long deadline = waitStart + p.idleTimeout().multipliedBy(4).toNanos();
			while (states.getHeldCount() > 0 && System.nanoTime() - deadline < 0) {
				Load.sleep(Duration.ofMillis(100));
			}
			int heldAfterWait = states.getHeldCount();
			Load.sleep(p.idleTimeout().plusMillis(500));
			double waited = (System.nanoTime() - waitStart) / 1e9;
			long evicted = Load.usedHeapAfterGc();

			write(perAccount, total, afterRounds - total, cold, coldSeconds, throughput, cpu, ratios, failed, baseline,
					heldCount, held, heldAfterWait, waited, evicted, states.getEvictedCount());
		}
	}

	private void write(long[] perAccount, long total, long tokensDuringRounds, Samples cold, double coldSeconds,
			List<List<Double>> throughput, List<List<Double>> cpu, List<Double> ratios, long[] failed, long baseline,
			int heldCount, long held, int heldAfterWait, double waited, long evicted, long evictedCount) {
		Benchmarks.AccountsSize p = this.size;
		long min = Long.MAX_VALUE;
		long max = 0;
		int exactlyOne = 0;
		for (long count : perAccount) {
			min = Math.min(min, count);
			max = Math.max(max, count);
			exactlyOne += (count == 1) ? 1 : 0;
		}
		double perHeld = (double) (held - baseline) / Math.max(1, heldCount);
		double perHeldOwn = (double) (held - evicted) / Math.max(1, heldCount);
		long residual = evicted - baseline;
		Report.Table table = this.report.table(
				"7 many accounts: " + String.format(Locale.ROOT, "%,d", p.accounts()) + " accounts in one instance",
				"single account (no `pos.account`)", String.format(Locale.ROOT, "%,d accounts", p.accounts()));
		table.row("calls spread over the accounts (" + p.callsPerAccount() + " per account), time", "", "",
				String.format(Locale.ROOT, "%d in %.1f s; failed %s", cold.calls(), coldSeconds,
						(cold.failures() == 0) ? "0" : cold.failures() + " " + cold.failureReasons()));
		table.row("token requests per account (server, per user): min / max; accounts with exactly 1", "1 / 1; all", "",
				min + " / " + max + "; " + exactlyOne + " of " + p.accounts());
		table.row("token requests of the accounts during the rounds", "0", "", String.valueOf(tokensDuringRounds));
		table.row("throughput, median of rounds (calls/s)", "", fmt0(Load.median(throughput.get(0))),
				fmt0(Load.median(throughput.get(1))));
		table.row("CPU time of the whole process per call, median of rounds (us)", "", fmt(Load.median(cpu.get(0))),
				fmt(Load.median(cpu.get(1))));
		table.row("throughput ratio accounts / single account, median (min-max) of rounds", "", "1", ratioText(ratios));
		table.row("failed calls in the rounds", "0", String.valueOf(failed[0]), String.valueOf(failed[1]));
		table.row("heap after full GC: before the accounts / " + heldCount + " held / after eviction (MB)", "", "",
				mb(baseline) + " / " + mb(held) + " / " + mb(evicted));
		table.row("heap per held account: (held - before) / accounts; (held - after eviction) / accounts (bytes)", "",
				"", fmt0(perHeld) + "; " + fmt0(perHeldOwn));
		table.row("after eviction: accounts still held, states dropped; heap vs before", "back near before", "",
				heldAfterWait + ", " + evictedCount + "; " + String.format(Locale.ROOT, "%+.1f KB", residual / 1024.0));

		boolean onePerAccount = exactlyOne == p.accounts() && cold.failures() == 0;
		this.report.verdict("7: exactly one token request per account", min + " to " + max + " per account",
				onePerAccount,
				onePerAccount
						? "every account's first calls joined its one flight; " + total + " password grants for "
								+ p.accounts() + " accounts"
						: exactlyOne + " of " + p.accounts() + " accounts had exactly one token request; failed calls: "
								+ cold.failures());
		double ratio = Load.median(ratios);
		double cpuSingle = Load.median(cpu.get(0));
		double cpuMany = Load.median(cpu.get(1));
		this.report.verdict(
				"7: calls naming one of " + p.accounts() + " accounts at least 0.97 of the single-account throughput",
				String.format(Locale.ROOT, "%.3f", ratio), ratio >= 0.97,
				String.format(Locale.ROOT,
						"CPU per call %.1f us with the account attribute vs %.1f us on the single-account path "
								+ "(%+.1f%%); per call the account's state is found in a map and its last use "
								+ "noted; ratio per round %s",
						cpuMany, cpuSingle, 100 * (cpuMany - cpuSingle) / cpuSingle, ratioText(ratios)));
		boolean back = heldCount == p.accounts() && heldAfterWait == 0 && Math.abs(residual) < (held - baseline) / 10;
		this.report.verdict("7: idle accounts dropped, heap back near the baseline", String
			.format(Locale.ROOT, "%.0f bytes per held account; %+.1f KB after eviction", perHeldOwn, residual / 1024.0),
				back,
				String.format(Locale.ROOT,
						"%d accounts (of %d) held %.1f MB above the baseline; %.1f s after that measurement %d were still "
								+ "held and %d states had been dropped; what stays after eviction is %.0f%% of what "
								+ "the held accounts took",
						heldCount, p.accounts(), (held - baseline) / 1048576.0, waited, heldAfterWait, evictedCount,
						100.0 * residual / Math.max(1, held - baseline)));
	}

	private static String fmt(double value) {
		return String.format(Locale.ROOT, "%.1f", value);
	}

	private static String fmt0(double value) {
		return String.format(Locale.ROOT, "%.0f", value);
	}

	private static String mb(long bytes) {
		return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
	}

	private static String ratioText(List<Double> ratios) {
		double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
		double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
		return String.format(Locale.ROOT, "%.3f (%.3f-%.3f)", Load.median(ratios), min, max);
	}

}
