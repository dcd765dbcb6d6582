package com.chimpy.pos.auth.fleet;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.token.CredentialGuardState;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What the Redis store writes: token values encrypted with the configured key, readable
 * only with that key under the same Redis key; guard state without secrets.
 */
class SharedStateCodecTests {

	private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	private static final String OTHER_KEY = "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=";

	private final SharedToken token = new SharedToken("access-token-value", Instant.ofEpochSecond(1000),
			Instant.ofEpochSecond(1300), Set.of("offline_access"), "refresh-token-value", null);

	@Test
	void encryptedTokenNamesNoTokenAndReadsBackWithTheSameKey() {
		SharedStateCodec codec = new SharedStateCodec(TokenCipher.of(KEY));
		String stored = codec.encodeToken(this.token, "pos-auth:k:token");
		assertThat(stored).doesNotContain("access-token-value").doesNotContain("refresh-token-value");
		assertThat(codec.decodeToken(stored, "pos-auth:k:token")).isEqualTo(this.token);
	}

	@Test
	void encryptedTokenDoesNotReadWithAnotherKeyOrUnderAnotherAccount() {
		String stored = new SharedStateCodec(TokenCipher.of(KEY)).encodeToken(this.token, "pos-auth:k:token");
		assertThat(new SharedStateCodec(TokenCipher.of(OTHER_KEY)).decodeToken(stored, "pos-auth:k:token")).isNull();
		assertThat(new SharedStateCodec(TokenCipher.of(KEY)).decodeToken(stored, "pos-auth:other:token")).isNull();
		assertThat(new SharedStateCodec(null).decodeToken(stored, "pos-auth:k:token")).isNull();
	}

	@Test
	void plainTokenIsNotReadWhenEncryptionIsConfigured() {
		String plain = new SharedStateCodec(null).encodeToken(this.token, "pos-auth:k:token");
		assertThat(new SharedStateCodec(null).decodeToken(plain, "pos-auth:k:token")).isEqualTo(this.token);
		assertThat(new SharedStateCodec(TokenCipher.of(KEY)).decodeToken(plain, "pos-auth:k:token")).isNull();
	}

	@Test
	void guardStateRoundTrips() {
		SharedStateCodec codec = new SharedStateCodec(null);
		CredentialGuardState state = new CredentialGuardState(2, Instant.ofEpochMilli(5000), true,
				new OAuth2Error("invalid_grant", "Wrong email or password.", null));
		CredentialGuardState read = codec.decodeGuard(codec.encodeGuard(state));
		assertThat(read.rejections()).isEqualTo(2);
		assertThat(read.pausedUntil()).isEqualTo(Instant.ofEpochMilli(5000));
		assertThat(read.stopped()).isTrue();
		assertThat(read.lastError().getErrorCode()).isEqualTo("invalid_grant");
	}

	@Test
	void unauthorizedHoldNamesTheProtectedTokenByDigestOnlyAndProtectsItUntilItsEnd() {
		SharedStateCodec codec = new SharedStateCodec(null);
		UnauthorizedHold hold = new UnauthorizedHold(UnauthorizedHold.digest("access-7"), 3,
				Instant.ofEpochMilli(9000));
		String encoded = codec.encodeUnauthorized(hold);
		assertThat(encoded).doesNotContain("access-7");
		UnauthorizedHold read = codec.decodeUnauthorized(encoded);
		assertThat(read).isEqualTo(hold);
		OAuth2AccessToken protectedToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-7",
				Instant.ofEpochMilli(0), Instant.ofEpochMilli(60_000));
		OAuth2AccessToken other = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-8",
				Instant.ofEpochMilli(0), Instant.ofEpochMilli(60_000));
		assertThat(read.protects(protectedToken, Instant.ofEpochMilli(8999))).isTrue();
		assertThat(read.protects(protectedToken, Instant.ofEpochMilli(9000))).isFalse();
		assertThat(read.protects(other, Instant.ofEpochMilli(8999))).isFalse();
		assertThat(codec.decodeUnauthorized("{}")).isNull();
	}

	@Test
	void keysOfTheWrongLengthAreRefusedWithoutShowingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> TokenCipher.of("c2hvcnQ="))
			.withMessageNotContaining("c2hvcnQ=");
		assertThat(TokenCipher.of(KEY).toString()).doesNotContain(KEY);
		assertThat(this.token.toString()).doesNotContain("access-token-value").doesNotContain("refresh-token-value");
	}

}
