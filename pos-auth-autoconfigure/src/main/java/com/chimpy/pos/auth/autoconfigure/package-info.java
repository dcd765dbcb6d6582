/**
 * Auto-configuration of pos-auth: properties, their validation and failure analysis, and
 * the wiring of the token state, the clients, health and metrics.
 */
@NullMarked
package com.chimpy.pos.auth.autoconfigure;

import org.jspecify.annotations.NullMarked;
