/**
 * Observations and meters of pos-auth's token requests and token state.
 */
@NullMarked
package com.chimpy.pos.auth.observation;

import org.jspecify.annotations.NullMarked;
