package com.chimpy.pos.auth.test;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PosSandboxExtensionTests {

	@RegisterExtension
	static final PosSandboxExtension extension = new PosSandboxExtension(PosSandbox.builder().user("eve", "eve-pw"));

	@Test
	@Order(1)
	void startsBeforeAllAndInjectsTheSandbox(PosSandbox injected) {
		assertThat(extension.sandbox().isRunning()).isTrue();
		new SandboxRequests(extension.sandbox()).login("eve", "eve-pw", null);
		extension.sandbox().tokenEndpoint().failAlways(Fault.status(500));
		assertThat(extension.sandbox().tokenRequests()).isEqualTo(1);
		assertThat(injected).isSameAs(extension.sandbox());
	}

	@Test
	@Order(2)
	void resetsJournalAndFaultsBeforeEachTest() {
		assertThat(extension.sandbox().tokenRequests()).isZero();
		assertThat(new SandboxRequests(extension.sandbox()).login("eve", "eve-pw", null).statusCode()).isEqualTo(200);
	}

	@Nested
	class NestedTests {

		@Test
		void nestedTestsShareTheSandbox() {
			assertThat(extension.sandbox().isRunning()).isTrue();
		}

	}

}
