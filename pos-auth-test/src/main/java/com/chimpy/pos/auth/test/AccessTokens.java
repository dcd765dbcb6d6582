package com.chimpy.pos.auth.test;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * Issues and checks the sandbox's access tokens: RS256-signed JWTs with {@code iss},
 * {@code sub}, {@code aud}, {@code iat}, {@code exp}, {@code jti}, {@code scope},
 * {@code azp} and {@code gty}. Every issued token is remembered by its {@code jti} so
 * that it can be revoked.
 *
 * <p>
 * A token expires exactly its lifetime after it was issued (millisecond precision); its
 * {@code exp} claim is that instant rounded up to the whole second, as JWT times are
 * whole seconds.
 */
final class AccessTokens {

	private static final int PRUNE_THRESHOLD = 10_000;

	private final Supplier<String> issuer;

	private final String audience;

	private final Clock clock;

	private final RSAKey signingKey;

	private final JWSSigner signer;

	private final JWSVerifier verifier;

	private final Map<String, IssuedToken> issued = new ConcurrentHashMap<>();

	AccessTokens(Supplier<String> issuer, String audience, Clock clock) {
		this(issuer, audience, clock, newSigningKey());
	}

	AccessTokens(Supplier<String> issuer, String audience, Clock clock, RSAKey signingKey) {
		this.issuer = issuer;
		this.audience = audience;
		this.clock = clock;
		this.signingKey = signingKey;
		try {
			this.signer = new RSASSASigner(signingKey);
			this.verifier = new RSASSAVerifier(signingKey.toRSAPublicKey());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot use the sandbox's token signing key", ex);
		}
	}

	/**
	 * A new RSA key pair for RS256 signatures.
	 * @return a new RSA key pair for RS256 signatures
	 */
	static RSAKey newSigningKey() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString())
				.algorithm(JWSAlgorithm.RS256)
				.keyUse(KeyUse.SIGNATURE)
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot create the sandbox's token signing key", ex);
		}
	}

	/**
	 * Issues a token.
	 * @param subject the user name
	 * @param clientId the client the token is issued to
	 * @param scope the granted scope, space separated, may be empty
	 * @param grantType the grant that issued it
	 * @param lifetime how long the token is valid
	 * @return the issued token
	 */
	Issued issue(String subject, String clientId, String scope, String grantType, Duration lifetime) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(lifetime);
		String jti = UUID.randomUUID().toString();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(this.issuer.get())
			.subject(subject)
			.audience(this.audience)
			.issueTime(Date.from(now))
			.expirationTime(new Date(ceilToSecond(expiresAt)))
			.jwtID(jti)
			.claim("scope", scope)
			.claim("azp", clientId)
			.claim("gty", grantType)
			.build();
		JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.signingKey.getKeyID())
			.type(JOSEObjectType.JWT)
			.build();
		SignedJWT jwt = new SignedJWT(header, claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign an access token", ex);
		}
		pruneExpired(now);
		this.issued.put(jti, new IssuedToken(expiresAt));
		long expiresIn = Math.max(1, lifetime.toSeconds());
		return new Issued(jwt.serialize(), jti, expiresIn);
	}

	/**
	 * Checks a bearer token: signature, expiry (no leeway), audience and revocation.
	 * @param token the token
	 * @return the outcome of the check
	 */
	Validation validate(String token) {
		SignedJWT jwt;
		JWTClaimsSet claims;
		try {
			jwt = SignedJWT.parse(token);
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			return Validation.invalid("The access token is malformed");
		}
		if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
			return Validation.invalid("The access token is not signed with RS256");
		}
		try {
			if (!jwt.verify(this.verifier)) {
				return Validation.invalid("The access token signature is invalid");
			}
		}
		catch (JOSEException ex) {
			return Validation.invalid("The access token signature is invalid");
		}
		Instant now = this.clock.instant();
		Date exp = claims.getExpirationTime();
		if (exp == null || !now.isBefore(exp.toInstant())) {
			return Validation.invalid("The access token expired");
		}
		List<String> audiences = claims.getAudience();
		if (audiences == null || !audiences.contains(this.audience)) {
			return Validation.invalid("The access token audience is invalid");
		}
		IssuedToken record = (claims.getJWTID() != null) ? this.issued.get(claims.getJWTID()) : null;
		if (record == null) {
			return Validation.invalid("The access token is unknown");
		}
		if (!now.isBefore(record.expiresAt())) {
			return Validation.invalid("The access token expired");
		}
		if (record.isRevoked()) {
			return Validation.invalid("The access token was revoked");
		}
		return Validation.valid(claims);
	}

	/**
	 * The subject of a token this sandbox signed, whether or not it is still valid; for
	 * the journal.
	 * @param token the bearer token
	 * @return the {@code sub} claim, or {@code null} when the token is malformed or not
	 * signed by this sandbox
	 */
	@Nullable String subjectOf(String token) {
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(this.verifier)) {
				return null;
			}
			return jwt.getJWTClaimsSet().getSubject();
		}
		catch (ParseException | JOSEException ex) {
			return null;
		}
	}

	/** Revokes every token issued so far. */
	void revokeAll() {
		this.issued.values().forEach(IssuedToken::revoke);
	}

	/**
	 * The public signing key as a JSON Web Key Set.
	 * @return the public signing key as a JSON Web Key Set
	 */
	String jwks() {
		return new JWKSet(this.signingKey.toPublicJWK()).toString();
	}

	private void pruneExpired(Instant now) {
		if (this.issued.size() >= PRUNE_THRESHOLD) {
			this.issued.values().removeIf((token) -> !now.isBefore(token.expiresAt()));
		}
	}

	private static long ceilToSecond(Instant instant) {
		long millis = instant.toEpochMilli();
		return Math.floorDiv(millis + 999, 1000) * 1000;
	}

	/**
	 * An issued token.
	 *
	 * @param value the serialized JWT
	 * @param jti its id
	 * @param expiresInSeconds the {@code expires_in} to report, at least 1
	 */
	record Issued(String value, String jti, long expiresInSeconds) {

		@Override
		public String toString() {
			return "Issued[jti=" + this.jti + ", expiresInSeconds=" + this.expiresInSeconds + "]";
		}
	}

	/**
	 * The result of checking a bearer token.
	 *
	 * @param claims the claims of a valid token, else {@code null}
	 * @param problem why the token was refused, else {@code null}
	 */
	record Validation(@Nullable JWTClaimsSet claims, @Nullable String problem) {

		static Validation valid(JWTClaimsSet claims) {
			return new Validation(claims, null);
		}

		static Validation invalid(String problem) {
			return new Validation(null, problem);
		}

		boolean isValid() {
			return this.claims != null;
		}
	}

	/** What the sandbox remembers of an issued token. */
	private static final class IssuedToken {

		private final Instant expiresAt;

		private volatile boolean revoked;

		IssuedToken(Instant expiresAt) {
			this.expiresAt = expiresAt;
		}

		Instant expiresAt() {
			return this.expiresAt;
		}

		boolean isRevoked() {
			return this.revoked;
		}

		void revoke() {
			this.revoked = true;
		}

	}

}
