package com.chimpy.pos.auth.token;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.util.Assert;

/**
 * The imperative face of a reactive provider, for code that assembles Spring Security's
 * imperative pieces itself, for example
 * {@code new BlockingAuthorizedClientProvider(new PasswordGrantReactiveAuthorizedClientProvider(..),
 * timeout)} inside a
 * {@link org.springframework.security.oauth2.client.DelegatingOAuth2AuthorizedClientProvider}.
 * It blocks the calling thread for at most the given timeout; do not use it on a Reactor
 * non-blocking thread.
 * <p>
 * pos-auth's own managers do not need it: they share one {@link PosTokenState}.
 */
public final class BlockingAuthorizedClientProvider implements OAuth2AuthorizedClientProvider {

	private final ReactiveOAuth2AuthorizedClientProvider delegate;

	private final Duration timeout;

	/**
	 * Create an adapter.
	 * @param delegate the reactive provider that does the work
	 * @param timeout the longest a caller blocks
	 */
	public BlockingAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProvider delegate, Duration timeout) {
		Assert.notNull(delegate, "delegate must not be null");
		Assert.notNull(timeout, "timeout must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		this.delegate = delegate;
		this.timeout = timeout;
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		Assert.notNull(context, "context must not be null");
		return this.delegate.authorize(context).block(this.timeout);
	}

}
