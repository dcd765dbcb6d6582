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
	 * Install BlockHound (once per JVM), recording and failing every blocking call.
	 */
	public static synchronized void install() {
		BlockHound.install((builder) -> builder.blockingMethodCallback((method) -> {
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
