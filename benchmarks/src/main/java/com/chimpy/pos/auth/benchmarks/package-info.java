/**
 * Benchmarks of pos-auth against stock Spring Security, on a fake PoS server.
 */
package com.chimpy.pos.auth.benchmarks;
