/**
 * Getting and keeping the PoS API's token: grants, the token endpoint client, and the one
 * shared token state.
 */
@NullMarked
package com.chimpy.pos.auth.token;

import org.jspecify.annotations.NullMarked;
