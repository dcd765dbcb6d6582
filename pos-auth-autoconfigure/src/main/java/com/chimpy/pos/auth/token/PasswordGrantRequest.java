package com.chimpy.pos.auth.token;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.util.Assert;

/**
 * A resource-owner password grant request (RFC 6749, section 4.3), which Spring Security
 * 7 no longer ships.
 * <p>
 * Immutable. {@link #toString()} never reveals the password.
 */
public final class PasswordGrantRequest extends AbstractOAuth2AuthorizationGrantRequest {

	/**
	 * The {@code password} authorization grant type.
	 */
	public static final AuthorizationGrantType PASSWORD = new AuthorizationGrantType("password");

	private final String username;

	private final String password;

	/**
	 * Create a password grant request.
	 * @param clientRegistration the client registration, whose grant type must be
	 * {@link #PASSWORD}
	 * @param username the resource owner's username
	 * @param password the resource owner's password
	 */
	public PasswordGrantRequest(ClientRegistration clientRegistration, String username, String password) {
		super(PASSWORD, clientRegistration);
		Assert.isTrue(PASSWORD.equals(clientRegistration.getAuthorizationGrantType()),
				"clientRegistration.authorizationGrantType must be password");
		Assert.hasText(username, "username must not be empty");
		Assert.hasText(password, "password must not be empty");
		this.username = username;
		this.password = password;
	}

	/**
	 * Return the resource owner's username.
	 * @return the username
	 */
	public String getUsername() {
		return this.username;
	}

	/**
	 * Return the resource owner's password.
	 * @return the password
	 */
	public String getPassword() {
		return this.password;
	}

	@Override
	public String toString() {
		return "PasswordGrantRequest{registrationId='" + getClientRegistration().getRegistrationId() + "', username='"
				+ this.username + "', password='[PROTECTED]'}";
	}

}
