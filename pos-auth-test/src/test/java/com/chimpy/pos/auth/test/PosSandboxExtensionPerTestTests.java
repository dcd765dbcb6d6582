package com.chimpy.pos.auth.test;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class PosSandboxExtensionPerTestTests {

	private static final List<PosSandbox> seen = new ArrayList<>();

	@RegisterExtension
	final PosSandboxExtension extension = new PosSandboxExtension();

	@RepeatedTest(2)
	void eachTestGetsItsOwnRunningSandbox(PosSandbox injected) {
		assertThat(injected).isSameAs(this.extension.sandbox());
		assertThat(injected.isRunning()).isTrue();
		seen.add(injected);
	}

	@AfterAll
	static void everySandboxWasClosed() {
		assertThat(seen).hasSize(2).doesNotHaveDuplicates();
		assertThat(seen).noneMatch(PosSandbox::isRunning);
	}

}
