package com.chimpy.pos.auth.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * A real Redis server, the binary the embedded-redis artifact ships, on a free loopback
 * port, without persistence.
 */
final class EmbeddedRedis implements AutoCloseable {

	private final int port;

	private final RedisServer server;

	private EmbeddedRedis(int port) throws IOException {
		this.port = port;
		this.server = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(port)
			.setting("save \"\"")
			.setting("appendonly no")
			.onShutdownForceStop(true)
			.build();
	}

	/**
	 * Start a server on a free loopback port.
	 * @return the running server
	 */
	static EmbeddedRedis started() {
		try {
			EmbeddedRedis redis = new EmbeddedRedis(freePort());
			redis.server.start();
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The Spring Boot properties that connect an application to this server.
	 * @return the properties, as {@code name=value}
	 */
	String[] springPropertyValues() {
		return new String[] { "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + this.port };
	}

	@Override
	public void close() {
		try {
			if (this.server.isActive()) {
				this.server.stop();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
