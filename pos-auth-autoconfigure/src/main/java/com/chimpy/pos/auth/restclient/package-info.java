/**
 * The RestClient side of pos-auth: the bearer interceptor with 401 replay.
 */
@NullMarked
package com.chimpy.pos.auth.restclient;

import org.jspecify.annotations.NullMarked;
