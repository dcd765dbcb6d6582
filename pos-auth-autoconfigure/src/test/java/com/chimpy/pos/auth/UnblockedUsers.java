package com.chimpy.pos.auth;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.chimpy.pos.auth.test.PosSandboxExtension;

/**
 * Unblocks the users of a class's sandbox before each test: the sandbox extension clears
 * scripted answers and the journal, but a user blocked by one test (too many failed
 * logins) would stay blocked for the next. Registered next to the sandbox: <pre>
 * &#64;RegisterExtension
 * static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder());
 *
 * &#64;RegisterExtension
 * static final UnblockedUsers unblockedUsers = new UnblockedUsers(extension);
 * </pre>
 */
public final class UnblockedUsers implements BeforeEachCallback {

	private final PosSandboxExtension sandbox;

	/**
	 * Creates an extension for the sandbox of the given extension.
	 * @param sandbox the extension that runs the sandbox
	 */
	public UnblockedUsers(PosSandboxExtension sandbox) {
		this.sandbox = sandbox;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.sandbox.sandbox().unblockUsers();
	}

}
