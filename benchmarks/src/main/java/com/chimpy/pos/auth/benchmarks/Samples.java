package com.chimpy.pos.auth.benchmarks;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongPredicate;

import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Start time, latency and outcome of every call of one run (bounded capacity; calls
 * beyond it are counted but not kept), and the reasons of failed calls.
 */
final class Samples {

	private final long[] starts;

	private final long[] latencies;

	private final boolean[] ok;

	private final AtomicInteger size = new AtomicInteger();

	private final LongAdder calls = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final Map<String, LongAdder> failureReasons = new ConcurrentHashMap<>();

	Samples(int capacity) {
		this.starts = new long[capacity];
		this.latencies = new long[capacity];
		this.ok = new boolean[capacity];
	}

	void record(long start, long latency, boolean success) {
		this.calls.increment();
		if (!success) {
			this.failures.increment();
		}
		int index = this.size.getAndIncrement();
		if (index < this.starts.length) {
			this.starts[index] = start;
			this.latencies[index] = latency;
			this.ok[index] = success;
		}
	}

	void failed(long start, long latency, Throwable ex) {
		String reason = (ex instanceof WebClientResponseException response) ? "HTTP " + response.getStatusCode().value()
				: ex.getClass().getSimpleName();
		this.failureReasons.computeIfAbsent(reason, (r) -> new LongAdder()).increment();
		record(start, latency, false);
	}

	long calls() {
		return this.calls.sum();
	}

	long failures() {
		return this.failures.sum();
	}

	String failureReasons() {
		Map<String, Long> sorted = new TreeMap<>();
		this.failureReasons.forEach((reason, count) -> sorted.put(reason, count.sum()));
		return sorted.toString();
	}

	/**
	 * Latency statistics of the kept calls whose start matches.
	 * @param startFilter which call starts to keep
	 * @return latency statistics of the kept calls whose start matches
	 */
	Stats stats(LongPredicate startFilter) {
		int n = Math.min(this.size.get(), this.starts.length);
		long[] selected = new long[n];
		int count = 0;
		int failed = 0;
		for (int i = 0; i < n; i++) {
			if (startFilter.test(this.starts[i])) {
				selected[count++] = this.latencies[i];
				if (!this.ok[i]) {
					failed++;
				}
			}
		}
		long[] sorted = Arrays.copyOf(selected, count);
		Arrays.sort(sorted);
		return new Stats(count, failed, percentile(sorted, 0.50), percentile(sorted, 0.99),
				(count > 0) ? sorted[count - 1] : 0);
	}

	Stats stats() {
		return stats((start) -> true);
	}

	private static long percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(p * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(rank, sorted.length - 1))];
	}

	/**
	 * Latencies in nanoseconds.
	 *
	 * @param count the number of calls
	 * @param failed the number of failed calls
	 * @param p50 the median latency
	 * @param p99 the 99th percentile latency
	 * @param max the maximum latency
	 */
	record Stats(int count, int failed, long p50, long p99, long max) {

		static String ms(long nanos) {
			double ms = nanos / 1_000_000.0;
			return (ms >= 100) ? String.format("%.0f", ms)
					: (ms >= 10) ? String.format("%.1f", ms) : String.format("%.2f", ms);
		}

		String p50p99max() {
			return (this.count == 0) ? "n/a" : ms(this.p50) + " / " + ms(this.p99) + " / " + ms(this.max);
		}

	}

}
