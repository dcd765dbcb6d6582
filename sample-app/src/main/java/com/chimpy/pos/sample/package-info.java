/**
 * A sample application that calls the PoS API through the pos-auth starter.
 */
package com.chimpy.pos.sample;
