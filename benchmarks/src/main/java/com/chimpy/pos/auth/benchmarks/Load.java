package com.chimpy.pos.auth.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Load generators (every one bounded in calls and in time) and small measuring helpers.
 */
final class Load {

	/** Longest a single call may take before it counts as failed. */
	static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Extra time a load run may take beyond its nominal duration before it is abandoned.
	 */
	private static final Duration GRACE = Duration.ofSeconds(60);

	private static final Scheduler TIMER = Schedulers.newSingle("load-timer", true);

	private Load() {
	}

	/**
	 * One call, timed from subscription to the end of its body; failures are recorded,
	 * never propagated.
	 * @param contender what makes the calls
	 * @param id the id
	 * @param samples the samples
	 * @return the timed call, completing when its body is read or it failed
	 */
	static Mono<Void> timed(Caller contender, long id, Samples samples) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return contender.call(id)
				.timeout(CALL_TIMEOUT)
				.doOnSuccess((body) -> samples.record(start, System.nanoTime() - start, true))
				.doOnError((ex) -> samples.failed(start, System.nanoTime() - start, ex))
				.onErrorResume((ex) -> Mono.empty())
				.then();
		});
	}

	/**
	 * All calls at once: {@code calls} concurrent calls.
	 * @param contender what makes the calls
	 * @param samples the samples
	 * @param calls the calls
	 */
	static void burst(Caller contender, Samples samples, int calls) {
		Flux.range(0, calls).flatMap((i) -> timed(contender, i, samples), calls).then().block(CALL_TIMEOUT.plus(GRACE));
	}

	/**
	 * Open loop: calls started at a fixed rate whatever the answers do, for
	 * {@code duration}.
	 * @param contender what makes the calls
	 * @param samples the samples
	 * @param ratePerSecond the rate per second
	 * @param duration the duration
	 */
	static void openLoop(Caller contender, Samples samples, int ratePerSecond, Duration duration) {
		long periodMicros = Math.max(1000, 1_000_000L / ratePerSecond);
		int perTick = (int) Math.max(1, ratePerSecond * periodMicros / 1_000_000L);
		long ticks = duration.toNanos() / (periodMicros * 1000);
		AtomicLong ids = new AtomicLong();
		Flux.interval(Duration.ZERO, Duration.ofNanos(periodMicros * 1000), TIMER)
			.take(ticks)
			.onBackpressureDrop()
			.flatMap((tick) -> Flux.range(0, perTick).flatMap((i) -> timed(contender, ids.incrementAndGet(), samples)),
					100_000)
			.then()
			.block(duration.plus(CALL_TIMEOUT).plus(GRACE));
	}

	/**
	 * Closed loop: {@code concurrency} calls outstanding at all times, until
	 * {@code maxCalls} calls were started or {@code maxTime} passed.
	 * @param contender what makes the calls
	 * @param samples the samples
	 * @param concurrency the concurrency
	 * @param maxCalls the max calls
	 * @param maxTime the max time
	 */
	static void closedLoop(Caller contender, Samples samples, int concurrency, int maxCalls, Duration maxTime) {
		long deadline = System.nanoTime() + maxTime.toNanos();
		Flux.range(0, maxCalls)
			.takeWhile((i) -> System.nanoTime() - deadline < 0)
			.flatMap((i) -> timed(contender, i, samples), concurrency, 1)
			.then()
			.block(maxTime.plus(CALL_TIMEOUT).plus(GRACE));
	}

	/**
	 * Run {@code action} after {@code delay}, on the load timer.
	 * @param delay the delay
	 * @param action the action
	 */
	static void schedule(Duration delay, Runnable action) {
		TIMER.schedule(action, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
	}

	/**
	 * CPU time of the whole process so far.
	 * @return the CPU time of the whole process so far, in nanoseconds
	 */
	static long processCpuNanos() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return 0;
	}

	/**
	 * Heap memory allocated by all threads so far (an approximation the JVM keeps per
	 * thread).
	 * @return heap memory allocated by all threads so far (an approximation the JVM keeps
	 * per thread)
	 */
	static long allocatedBytes() {
		if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
				&& threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
			return threads.getTotalThreadAllocatedBytes();
		}
		return 0;
	}

	/**
	 * Heap in use after full garbage collections.
	 * @return heap in use after full garbage collections
	 */
	static long usedHeapAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			sleep(Duration.ofMillis(200));
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(Double::compare);
		int n = sorted.size();
		if (n == 0) {
			return Double.NaN;
		}
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	/**
	 * A union of time intervals (nanoTime), merged for fast membership tests.
	 */
	static final class Windows {

		private final List<long[]> raw = new ArrayList<>();

		private long[] starts = new long[0];

		private long[] ends = new long[0];

		Windows add(long start, long end) {
			this.raw.add(new long[] { start, end });
			return this;
		}

		Windows merge() {
			this.raw.sort((x, y) -> Long.compare(x[0], y[0]));
			List<long[]> merged = new ArrayList<>();
			for (long[] w : this.raw) {
				long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
				if (last != null && w[0] - last[1] <= 0) {
					last[1] = Math.max(last[1], w[1]);
				}
				else {
					merged.add(new long[] { w[0], w[1] });
				}
			}
			this.starts = merged.stream().mapToLong((w) -> w[0]).toArray();
			this.ends = merged.stream().mapToLong((w) -> w[1]).toArray();
			return this;
		}

		int count() {
			return this.raw.size();
		}

		boolean contains(long t) {
			int lo = 0;
			int hi = this.starts.length - 1;
			while (lo <= hi) {
				int mid = (lo + hi) >>> 1;
				if (this.starts[mid] - t > 0) {
					hi = mid - 1;
				}
				else if (this.ends[mid] - t <= 0) {
					lo = mid + 1;
				}
				else {
					return true;
				}
			}
			return false;
		}

	}

}
