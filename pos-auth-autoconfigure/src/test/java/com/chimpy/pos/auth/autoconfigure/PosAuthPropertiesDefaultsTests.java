package com.chimpy.pos.auth.autoconfigure;

import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.token.TokenRenewalSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property defaults (literal, so that the configuration metadata shows them) are the
 * token state's defaults.
 */
class PosAuthPropertiesDefaultsTests {

	@Test
	void propertyDefaultsAreTheRenewalDefaults() {
		assertThat(new PosAuthProperties().toRenewalSettings()).isEqualTo(TokenRenewalSettings.defaults());
	}

}
