package com.chimpy.pos.auth.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessTokensTests {

	private static final RSAKey KEY = AccessTokens.newSigningKey();

	private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T10:00:00.700Z"));

	private final Clock clock = new Clock() {

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return AccessTokensTests.this.now.get();
		}
	};

	private final AccessTokens tokens = new AccessTokens(() -> "http://localhost/", "aud-a", this.clock, KEY);

	@Test
	void tokenExpiresExactlyItsLifetimeAfterIssue() throws Exception {
		AccessTokens.Issued issued = this.tokens.issue("demo", "client", "", "password", Duration.ofMillis(1500));

		assertThat(issued.expiresInSeconds()).isEqualTo(1);
		assertThat(SignedJWT.parse(issued.value()).getJWTClaimsSet().getExpirationTime().toInstant())
			.isEqualTo(Instant.parse("2030-01-01T10:00:03Z"));
		this.now.set(Instant.parse("2030-01-01T10:00:02.199Z"));
		assertThat(this.tokens.validate(issued.value()).isValid()).isTrue();
		this.now.set(Instant.parse("2030-01-01T10:00:02.200Z"));
		assertThat(this.tokens.validate(issued.value()).problem()).isEqualTo("The access token expired");
	}

	@Test
	void tokenForAnotherAudienceIsRejected() {
		AccessTokens other = new AccessTokens(() -> "http://localhost/", "aud-b", this.clock, KEY);
		String token = other.issue("demo", "client", "", "password", Duration.ofMinutes(5)).value();

		assertThat(this.tokens.validate(token).problem()).isEqualTo("The access token audience is invalid");
	}

	@Test
	void tokenNotIssuedByThisSandboxIsRejectedEvenWithTheSameKey() {
		AccessTokens twin = new AccessTokens(() -> "http://localhost/", "aud-a", this.clock, KEY);
		String token = twin.issue("demo", "client", "", "password", Duration.ofMinutes(5)).value();

		assertThat(this.tokens.validate(token).problem()).isEqualTo("The access token is unknown");
		assertThat(twin.validate(token).isValid()).isTrue();
	}

	@Test
	void revokeAllAffectsOnlyTokensIssuedBefore() {
		String before = this.tokens.issue("demo", "client", "", "password", Duration.ofMinutes(5)).value();
		this.tokens.revokeAll();
		String after = this.tokens.issue("demo", "client", "", "password", Duration.ofMinutes(5)).value();

		assertThat(this.tokens.validate(before).problem()).isEqualTo("The access token was revoked");
		assertThat(this.tokens.validate(after).isValid()).isTrue();
	}

	@Test
	void unsignedTokenIsRejected() throws Exception {
		String token = this.tokens.issue("demo", "client", "", "password", Duration.ofMinutes(5)).value();
		SignedJWT signed = SignedJWT.parse(token);
		String unsigned = new com.nimbusds.jwt.PlainJWT(signed.getJWTClaimsSet()).serialize();

		assertThat(this.tokens.validate(unsigned).isValid()).isFalse();
		assertThat(this.tokens.validate(token.substring(0, token.lastIndexOf('.') + 1)).isValid()).isFalse();
	}

}
