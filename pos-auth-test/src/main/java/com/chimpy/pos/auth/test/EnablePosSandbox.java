package com.chimpy.pos.auth.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts a {@link PosSandbox} for the Spring test context of the annotated test class.
 *
 * <p>
 * One sandbox is started per application context (contexts with the same settings are
 * cached and share it). Its {@link PosSandbox#springProperties()} are added to the
 * environment with high priority (below the test's own inlined and dynamic properties, so
 * a test can still override one), the sandbox is a bean named
 * {@value PosSandboxContextCustomizer#BEAN_NAME} that tests can autowire, and it stops
 * when the context closes.
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;EnablePosSandbox
 * class OrdersTests {
 *
 *     &#64;Autowired
 *     PosSandbox sandbox;
 *
 *     &#64;Autowired
 *     &#64;Qualifier("posWebClient")
 *     WebClient pos;
 * }
 * </pre>
 *
 * @see PosSandboxContextCustomizerFactory
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface EnablePosSandbox {

	/**
	 * Whether the sandbox serves HTTPS with a self-signed certificate; the properties
	 * then define the SSL bundle {@value PosSandbox#SSL_BUNDLE} that trusts it.
	 * @return whether to serve HTTPS
	 */
	boolean https() default false;

	/**
	 * The lifetime of the access tokens, in seconds.
	 * @return a positive number of seconds
	 */
	long tokenLifetimeSeconds() default 3600;

	/**
	 * A client secret the token endpoint then requires; empty for none.
	 * @return the client secret or an empty string
	 */
	String clientSecret() default "";

}
