package com.chimpy.pos.auth.autoconfigure;

import java.time.Clock;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

import com.chimpy.pos.auth.account.PosAccount;
import com.chimpy.pos.auth.account.PosTokenStateFactory;
import com.chimpy.pos.auth.token.PasswordGrantReactiveAuthorizedClientProvider;
import com.chimpy.pos.auth.token.PasswordGrantRequest;
import com.chimpy.pos.auth.token.PosTokenResponseClient;
import com.chimpy.pos.auth.token.PosTokenState;
import com.chimpy.pos.auth.token.PosTokenStore;
import com.chimpy.pos.auth.token.RefreshTokenGrantReactiveAuthorizedClientProvider;
import com.chimpy.pos.auth.token.TokenStoreKey;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.util.StringUtils;

/**
 * Builds the token state of every account the same way: the {@code pos.auth.*}
 * properties, overridden by the account where it has its own client id, client secret,
 * audience or scope; the one token endpoint client (with its observation); the token
 * store of the application. The default account's state is named {@code pos}, another
 * account's {@code pos/<name>}.
 */
final class PosAccountTokenStateFactory implements PosTokenStateFactory {

	private final PosAuthProperties auth;

	private final ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> responseClient;

	private final PosTokenStore store;

	private final Clock clock;

	private final Scheduler scheduler;

	PosAccountTokenStateFactory(PosAuthProperties auth,
			ReactiveOAuth2AccessTokenResponseClient<AbstractOAuth2AuthorizationGrantRequest> responseClient,
			PosTokenStore store, Clock clock, Scheduler scheduler) {
		this.auth = auth;
		this.responseClient = responseClient;
		this.store = store;
		this.clock = clock;
		this.scheduler = scheduler;
	}

	/**
	 * The store every state of this factory renews through (also what the health
	 * indicator reports).
	 * @return the token store
	 */
	PosTokenStore store() {
		return this.store;
	}

	/**
	 * The state of the default account (top-level username and password).
	 * @return the token state
	 */
	PosTokenState createDefault() {
		String username = PosPropertiesValidator.validated("pos.auth.username", this.auth.getUsername());
		String password = PosPropertiesValidator.validated("pos.auth.password", this.auth.getPassword());
		return create(registration(null, null, null, null), this.auth.getAudience(), username, password,
				PosAuthAutoConfiguration.REGISTRATION_ID);
	}

	@Override
	public PosTokenState create(PosAccount account) {
		String audience = (account.getAudience() != null) ? account.getAudience() : this.auth.getAudience();
		ClientRegistration registration = registration(account.getClientId(), account.getClientSecret(),
				account.getScope(), account.getAudience());
		return create(registration, audience, account.getUsername(), account.getPassword(),
				PosAuthAutoConfiguration.REGISTRATION_ID + "/" + account.getName());
	}

	private PosTokenState create(ClientRegistration registration, @Nullable String audience, String username,
			String password, String name) {
		return new PosTokenState(registration,
				new PasswordGrantReactiveAuthorizedClientProvider(this.responseClient, username, password),
				new RefreshTokenGrantReactiveAuthorizedClientProvider(this.responseClient),
				this.auth.toRenewalSettings(), this.clock, this.scheduler, this.store,
				TokenStoreKey.of(registration, audience, username), name);
	}

	private ClientRegistration registration(@Nullable String clientId, @Nullable String clientSecret,
			@Nullable String scope, @Nullable String audience) {
		ClientRegistration.Builder registration = ClientRegistration
			.withRegistrationId(PosAuthAutoConfiguration.REGISTRATION_ID)
			.clientId((clientId != null) ? clientId
					: PosPropertiesValidator.validated("pos.auth.client-id", this.auth.getClientId()))
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(PasswordGrantRequest.PASSWORD)
			.tokenUri(PosPropertiesValidator.validated("pos.auth.token-uri", this.auth.getTokenUri()).trim());
		String secret = (clientSecret != null) ? clientSecret : this.auth.getClientSecret();
		if (StringUtils.hasText(secret)) {
			registration.clientSecret(secret);
		}
		String scopes = (scope != null) ? scope : this.auth.getScope();
		if (StringUtils.hasText(scopes)) {
			registration.scope(StringUtils.tokenizeToStringArray(scopes, " ,"));
		}
		if (audience != null) {
			registration.providerConfigurationMetadata(Map.of(PosTokenResponseClient.AUDIENCE_METADATA, audience));
		}
		return registration.build();
	}

}
