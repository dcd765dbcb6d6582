/**
 * The WebClient side of pos-auth: the bearer exchange filter with 401 replay, and the API
 * origin rule.
 */
@NullMarked
package com.chimpy.pos.auth.webclient;

import org.jspecify.annotations.NullMarked;
