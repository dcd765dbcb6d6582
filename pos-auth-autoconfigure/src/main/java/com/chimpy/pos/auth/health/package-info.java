/**
 * The pos-auth health indicator.
 */
@NullMarked
package com.chimpy.pos.auth.health;

import org.jspecify.annotations.NullMarked;
