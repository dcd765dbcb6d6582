package com.chimpy.pos.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample's main job end to end against the in-process sandbox, as the README's
 * first command does.
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	@Test
	void mainJobShowsTokenReuseRenewalAndRecoveredUnauthorizedAndExitsZero(CapturedOutput output) {
		int exitCode = SampleApplication.run();

		assertThat(exitCode).isZero();
		assertThat(output).contains("1. GET /stores -> 3 stores; token requests: 1 (password grant)")
			.contains("2. 10 x GET /products -> 200; password grants still 1")
			.containsPattern("2b\\. PosApiClient \\(@ImportHttpServices group \"pos\"\\) -> 3 stores, 4 products, "
					+ "store-001 is Chimpy Central, placed order ord-\\d+ \\(created\\); password grants still 1")
			.containsPattern("3\\. \\d+ calls over .* -> all 200; renewed [1-9]\\d* time\\(s\\) with the refresh token")
			.containsPattern("4\\. The server revoked every token; POST /orders -> order ord-\\d+ after 1 x 401")
			.contains("5. Two accounts side by side: GET /whoami as merchant-1 -> sub merchant-1; "
					+ "3 x GET /whoami in a flow as merchant-2 -> sub merchant-2; password grants: merchant-1 1, "
					+ "merchant-2 1")
			.contains("Done: every call succeeded.")
			.doesNotContain(com.chimpy.pos.auth.test.PosSandbox.DEFAULT_PASSWORD);
	}

}
