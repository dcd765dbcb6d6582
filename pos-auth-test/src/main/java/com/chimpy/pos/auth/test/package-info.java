/**
 * An in-process sandbox of the Chimpy authorization service and PoS API, for tests and
 * local runs.
 *
 * <p>
 * {@link com.chimpy.pos.auth.test.PosSandbox} is the sandbox itself;
 * {@link com.chimpy.pos.auth.test.Faults} and {@link com.chimpy.pos.auth.test.Fault}
 * inject failures; {@link com.chimpy.pos.auth.test.EnablePosSandbox} starts one for a
 * Spring test context and {@link com.chimpy.pos.auth.test.PosSandboxExtension} for a
 * plain JUnit Jupiter test class.
 */
@NullMarked
package com.chimpy.pos.auth.test;

import org.jspecify.annotations.NullMarked;
