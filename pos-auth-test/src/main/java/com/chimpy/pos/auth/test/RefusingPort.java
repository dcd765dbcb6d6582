package com.chimpy.pos.auth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A port on {@code 127.0.0.1} that refuses every connection, for tests of an unreachable
 * token endpoint or API.
 *
 * <p>
 * The port is held by a socket that is bound but never listens: connecting to it is
 * refused at once, and no other server can take the port while this object is open, so a
 * test never depends on a closed port staying free.
 *
 * <pre>{@code
 * try (RefusingPort refusing = RefusingPort.open()) {
 *     String tokenUri = refusing.url("/oauth/token");
 *     ...
 * }
 * }</pre>
 */
public final class RefusingPort implements AutoCloseable {

	private final Socket socket;

	private RefusingPort(Socket socket) {
		this.socket = socket;
	}

	/**
	 * Holds a free port on {@code 127.0.0.1} that refuses connections until
	 * {@link #close()}.
	 * @return the refusing port
	 * @throws UncheckedIOException if no port can be bound
	 */
	public static RefusingPort open() {
		Socket socket = new Socket();
		try {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return new RefusingPort(socket);
		}
		catch (IOException ex) {
			try {
				socket.close();
			}
			catch (IOException closeFailure) {
				ex.addSuppressed(closeFailure);
			}
			throw new UncheckedIOException("Cannot hold a refusing port on the loopback address", ex);
		}
	}

	/**
	 * The port number.
	 * @return the port
	 */
	public int port() {
		return this.socket.getLocalPort();
	}

	/**
	 * An {@code http://127.0.0.1:PORT} URL on this port.
	 * @param path the path (and query), starting with {@code /}
	 * @return the URL
	 */
	public String url(String path) {
		return "http://127.0.0.1:" + port() + path;
	}

	/** Releases the port. */
	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// nothing to do: the port is released either way
		}
	}

	@Override
	public String toString() {
		return "RefusingPort[127.0.0.1:" + port() + "]";
	}

}
