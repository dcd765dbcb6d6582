package com.chimpy.pos.auth.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * A real Redis server (the binary the embedded-redis artifact ships) on a free loopback
 * port, without persistence; {@link #stop()} and {@link #start()} take it down and bring
 * it back, empty, on the same port.
 */
final class EmbeddedRedis implements AutoCloseable {

	private final int port;

	private final RedisServer server;

	private EmbeddedRedis(int port) {
		this.port = port;
		try {
			this.server = RedisServer.newRedisServer()
				.bind("127.0.0.1")
				.port(port)
				.setting("save \"\"")
				.setting("appendonly no")
				.onShutdownForceStop(true)
				.build();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static EmbeddedRedis started() {
		EmbeddedRedis redis = new EmbeddedRedis(freePort());
		redis.start();
		return redis;
	}

	void start() {
		try {
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	void stop() {
		try {
			this.server.stop();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.port;
	}

	String[] springPropertyValues() {
		return new String[] { "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + this.port };
	}

	@Override
	public void close() {
		if (this.server.isActive()) {
			stop();
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
