/**
 * One token for a fleet of application instances: the {@code PosTokenStore} on Redis,
 * with a fleet-wide single flight and credential guard.
 */
@NullMarked
package com.chimpy.pos.auth.fleet;

import org.jspecify.annotations.NullMarked;
