/**
 * pos-auth for HTTP service clients: group configurers that authenticate the PoS API's
 * group.
 */
@NullMarked
package com.chimpy.pos.auth.httpservice;

import org.jspecify.annotations.NullMarked;
