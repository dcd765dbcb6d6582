package com.chimpy.pos.auth.token;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * The blocking calls BlockHound detected on non-blocking threads in this JVM. BlockHound
 * is installed once per JVM, so every BlockHound test class installs it through here and
 * reads the same record.
 */
public final class BlockingCalls {

	private static final List<String> calls = new CopyOnWriteArrayList<>();

	private BlockingCalls() {
	}

	/**
	 * Install BlockHound (once per JVM), recording and failing every blocking call. One
	 * call is allowed: Netty 4.2's adaptive buffer allocator takes a short write lock (a
	 * {@code StampedLock}, for synchronization only, never waiting on I/O) when it frees
	 * a magazine while growing its magazines; BlockHound sees the park of a contended
	 * lock, which happened on a busy machine on a Lettuce I/O thread.
	 */
	public static synchronized void install() {
		BlockHound.install((builder) -> builder
			.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
			.blockingMethodCallback((method) -> {
				calls.add(method + " on " + Thread.currentThread().getName() + " at "
						+ java.util.Arrays.toString(new Throwable().getStackTrace()));
				throw new BlockingOperationError(method);
			}));
	}

	/**
	 * The blocking calls detected since the last {@link #clear()}.
	 * @return the calls, each with its thread and stack
	 */
	public static List<String> detected() {
		return calls;
	}

	/**
	 * Forget the calls detected so far.
	 */
	public static void clear() {
		calls.clear();
	}

}
