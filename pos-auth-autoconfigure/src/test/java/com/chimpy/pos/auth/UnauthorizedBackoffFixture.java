package com.chimpy.pos.auth;

import java.util.List;
import java.util.Locale;

import com.chimpy.pos.auth.test.Fault;
import com.chimpy.pos.auth.test.PosSandbox;

import org.springframework.boot.test.system.CapturedOutput;

import static com.chimpy.pos.auth.PosSandboxFixture.apiAuthorizations;
import static com.chimpy.pos.auth.PosSandboxFixture.bearers;
import static com.chimpy.pos.auth.PosSandboxFixture.issuedAccessTokens;
import static com.chimpy.pos.auth.PosSandboxFixture.settled;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the 401 backoff tests of {@code posWebClient} and {@code posRestClient} share: a
 * sandbox whose API rejects every token, the WARN line about rejected fresh tokens, and
 * what the sandbox's journal must show after 30 rejected calls and after a revocation
 * that ends the backoff.
 */
public final class UnauthorizedBackoffFixture {

	private UnauthorizedBackoffFixture() {
	}

	/**
	 * From now on every API call is answered 401 with {@code WWW-Authenticate: Bearer}:
	 * the sandbox stands for an API that rejects even fresh tokens.
	 * @param sandbox the sandbox
	 */
	public static void rejectEveryCall(PosSandbox sandbox) {
		sandbox.api().failAlways(Fault.status(401));
	}

	/**
	 * How many WARN lines in the captured output explain rejected fresh tokens: they name
	 * the audience, the clock and the key.
	 * @param output the captured output
	 * @return the number of such lines
	 */
	public static int rejectedFreshTokenWarnings(CapturedOutput output) {
		int count = 0;
		for (String line : (output.getOut() + output.getErr()).split("\\R")) {
			String lower = line.toLowerCase(Locale.ROOT);
			if (line.contains("WARN") && lower.contains("audience") && lower.contains("clock")
					&& lower.contains("key")) {
				count++;
			}
		}
		return count;
	}

	/**
	 * After 30 calls rejected within the backoff: two token requests (the first token and
	 * one replacement), the first API call carried the first token and every later one
	 * the replacement.
	 * @param sandbox the sandbox
	 */
	public static void assertOneReplacementForThirtyRejectedCalls(PosSandbox sandbox) {
		assertThat(settled(sandbox::tokenRequestEvents).size()).as("token requests for 30 rejected calls").isEqualTo(2);
		List<String> authorizations = settled(() -> apiAuthorizations(sandbox));
		List<String> issued = bearers(issuedAccessTokens(sandbox));
		assertThat(issued).hasSize(2).doesNotHaveDuplicates();
		assertThat(authorizations).hasSizeGreaterThanOrEqualTo(31).startsWith(issued.get(0), issued.get(1));
		assertThat(authorizations.subList(1, authorizations.size())).containsOnly(issued.get(1));
	}

	/**
	 * After an accepted replacement was revoked: one more token request, and the last
	 * three API calls carried the replacement twice (accepted, then rejected) and the new
	 * token on the replay.
	 * @param sandbox the sandbox
	 */
	public static void assertTheRevokedReplacementWasRenewedAtOnce(PosSandbox sandbox) {
		assertThat(settled(sandbox::tokenRequestEvents).size()).as("token requests after the revocation").isEqualTo(3);
		List<String> issued = bearers(issuedAccessTokens(sandbox));
		assertThat(issued).hasSize(3).doesNotHaveDuplicates();
		assertThat(settled(() -> apiAuthorizations(sandbox))).endsWith(issued.get(1), issued.get(1), issued.get(2));
	}

}
