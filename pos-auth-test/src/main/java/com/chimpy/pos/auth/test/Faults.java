package com.chimpy.pos.auth.test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Fault injection for one endpoint of a {@link PosSandbox}.
 *
 * <p>
 * Faults apply to the following requests in order: first the ones queued with
 * {@link #failNext(int, Fault)}, one request each, then the standing fault set with
 * {@link #failAlways(Fault)}, if any, until {@link #clear()}. All methods are thread-safe
 * and return this instance for chaining.
 */
public final class Faults {

	private final String endpoint;

	private final boolean tokenEndpoint;

	private final Deque<Fault> queued = new ArrayDeque<>();

	private @Nullable Fault always;

	Faults(String endpoint, boolean tokenEndpoint) {
		this.endpoint = endpoint;
		this.tokenEndpoint = tokenEndpoint;
	}

	/**
	 * Queues {@code fault} for the next {@code times} requests (after the faults already
	 * queued).
	 * @param times how many requests fail; at least 1
	 * @param fault the fault
	 * @return this
	 */
	public Faults failNext(int times, Fault fault) {
		if (times < 1) {
			throw new IllegalArgumentException("times must be at least 1, was " + times);
		}
		check(fault);
		synchronized (this.queued) {
			for (int i = 0; i < times; i++) {
				this.queued.addLast(fault);
			}
		}
		return this;
	}

	/**
	 * Makes every request fail with {@code fault} once the queued faults are used up,
	 * until {@link #clear()}.
	 * @param fault the fault
	 * @return this
	 */
	public Faults failAlways(Fault fault) {
		check(fault);
		synchronized (this.queued) {
			this.always = fault;
		}
		return this;
	}

	/**
	 * Removes the queued faults and the standing fault: the endpoint answers normally
	 * again.
	 * @return this
	 */
	public Faults clear() {
		synchronized (this.queued) {
			this.queued.clear();
			this.always = null;
		}
		return this;
	}

	/**
	 * Takes the fault for the request being served, if any.
	 * @return the fault, or empty when the request is served normally
	 */
	Optional<Fault> next() {
		synchronized (this.queued) {
			Fault fault = this.queued.pollFirst();
			return Optional.ofNullable((fault != null) ? fault : this.always);
		}
	}

	private void check(Fault fault) {
		Objects.requireNonNull(fault, "fault must not be null");
		if (fault.tokenEndpointOnly() && !this.tokenEndpoint) {
			throw new IllegalArgumentException(fault + " applies to the token endpoint only, not to " + this.endpoint);
		}
	}

	@Override
	public String toString() {
		synchronized (this.queued) {
			return "Faults[" + this.endpoint + ", queued=" + this.queued + ", always=" + this.always + "]";
		}
	}

}
