package com.chimpy.pos.auth.account;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PosAccount} is immutable and never reveals its secrets.
 */
class PosAccountTests {

	@Test
	void toStringNamesTheAccountButNoSecret() {
		PosAccount account = PosAccount.of("store-17", "merchant-17", "pw-Secret-17")
			.withClientSecret("client-Secret-17")
			.withAudience("https://eu.example.com");
		assertThat(account.toString()).contains("store-17", "merchant-17", "https://eu.example.com")
			.doesNotContain("pw-Secret-17", "client-Secret-17");
	}

	@Test
	void overridesReturnCopies() {
		PosAccount account = PosAccount.of("store-17", "merchant-17", "pw");
		PosAccount own = account.withClientId("own-client").withScope(" ");
		assertThat(account.getClientId()).isNull();
		assertThat(own.getClientId()).isEqualTo("own-client");
		assertThat(own.getScope()).isNull();
		assertThat(own).isNotEqualTo(account).isEqualTo(account.withClientId("own-client"));
	}

}
