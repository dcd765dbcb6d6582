package com.chimpy.pos.auth.fleet;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import com.chimpy.pos.auth.token.CredentialGuardState;

import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Writes and reads the values a {@link RedisPosTokenStore} keeps, as JSON. Token values
 * are encrypted when a {@link TokenCipher} is given; the guard state, the failure and the
 * 401 backoff hold no secret (counts, times and OAuth2 error codes) and stay readable. A
 * value that cannot be read (another format, another key) reads as absent.
 */
final class SharedStateCodec {

	private final @Nullable TokenCipher cipher;

	SharedStateCodec(@Nullable TokenCipher cipher) {
		this.cipher = cipher;
	}

	boolean isEncrypting() {
		return this.cipher != null;
	}

	String encodeToken(SharedToken token, String redisKey) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("access", token.access());
		putInstant(map, "issuedAt", token.issuedAt());
		putInstant(map, "expiresAt", token.expiresAt());
		map.put("scopes", token.scopes());
		if (token.refresh() != null) {
			map.put("refresh", token.refresh());
		}
		putInstant(map, "refreshIssuedAt", token.refreshIssuedAt());
		String json = JsonMapper.shared().writeValueAsString(map);
		return (this.cipher != null) ? this.cipher.encrypt(json, redisKey) : json;
	}

	@Nullable SharedToken decodeToken(@Nullable String value, String redisKey) {
		if (value == null) {
			return null;
		}
		String json = (this.cipher != null) ? this.cipher.decrypt(value, redisKey) : value;
		Map<?, ?> map = (json != null) ? read(json) : null;
		if (map == null || !(map.get("access") instanceof String access)) {
			return null;
		}
		Instant expiresAt = instant(map, "expiresAt");
		if (expiresAt == null) {
			return null;
		}
		Set<String> scopes = new LinkedHashSet<>();
		if (map.get("scopes") instanceof Collection<?> values) {
			values.forEach((scope) -> scopes.add(String.valueOf(scope)));
		}
		return new SharedToken(access, instant(map, "issuedAt"), expiresAt, scopes,
				(map.get("refresh") instanceof String refresh) ? refresh : null, instant(map, "refreshIssuedAt"));
	}

	String encodeGuard(CredentialGuardState state) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("rejections", state.rejections());
		putInstant(map, "pausedUntil", state.pausedUntil());
		map.put("stopped", state.stopped());
		OAuth2Error error = state.lastError();
		if (error != null) {
			map.put("error", error.getErrorCode());
			if (error.getDescription() != null) {
				map.put("description", error.getDescription());
			}
		}
		return JsonMapper.shared().writeValueAsString(map);
	}

	@Nullable CredentialGuardState decodeGuard(@Nullable String value) {
		Map<?, ?> map = (value != null) ? read(value) : null;
		if (map == null) {
			return null;
		}
		OAuth2Error error = (map.get("error") instanceof String code)
				? new OAuth2Error(code, (map.get("description") instanceof String d) ? d : null, null) : null;
		return new CredentialGuardState(number(map, "rejections"), instant(map, "pausedUntil"),
				Boolean.TRUE.equals(map.get("stopped")), error);
	}

	String encodeFailure(FleetFailure failure) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("id", failure.id());
		map.put("count", failure.count());
		putInstant(map, "until", failure.until());
		map.put("kind", failure.kind());
		map.put("error", failure.code());
		if (failure.description() != null) {
			map.put("description", failure.description());
		}
		map.put("transient", failure.transientFailure());
		map.put("status", failure.status());
		return JsonMapper.shared().writeValueAsString(map);
	}

	@Nullable FleetFailure decodeFailure(@Nullable String value) {
		Map<?, ?> map = (value != null) ? read(value) : null;
		if (map == null || !(map.get("id") instanceof String id) || !(map.get("kind") instanceof String kind)
				|| !(map.get("error") instanceof String code)) {
			return null;
		}
		Instant until = instant(map, "until");
		if (until == null) {
			return null;
		}
		return new FleetFailure(id, number(map, "count"), until, kind, code,
				(map.get("description") instanceof String d) ? d : null, Boolean.TRUE.equals(map.get("transient")),
				number(map, "status"));
	}

	String encodeUnauthorized(UnauthorizedHold hold) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("digest", hold.digest());
		map.put("count", hold.count());
		putInstant(map, "until", hold.until());
		return JsonMapper.shared().writeValueAsString(map);
	}

	@Nullable UnauthorizedHold decodeUnauthorized(@Nullable String value) {
		Map<?, ?> map = (value != null) ? read(value) : null;
		if (map == null || !(map.get("digest") instanceof String digest)) {
			return null;
		}
		Instant until = instant(map, "until");
		return (until != null) ? new UnauthorizedHold(digest, number(map, "count"), until) : null;
	}

	private static @Nullable Map<?, ?> read(String json) {
		try {
			return JsonMapper.shared().readValue(json, Map.class);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static void putInstant(Map<String, Object> map, String name, @Nullable Instant instant) {
		if (instant != null) {
			map.put(name, instant.toEpochMilli());
		}
	}

	private static @Nullable Instant instant(Map<?, ?> map, String name) {
		return (map.get(name) instanceof Number number) ? Instant.ofEpochMilli(number.longValue()) : null;
	}

	private static int number(Map<?, ?> map, String name) {
		return (map.get(name) instanceof Number number) ? number.intValue() : 0;
	}

}
