package com.chimpy.pos.auth.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A self-signed TLS certificate for {@code localhost} and {@code 127.0.0.1}, made with
 * the JDK's own {@code keytool}: a PKCS#12 key store for the server and the certificate
 * as a PEM file for clients to trust.
 *
 * <p>
 * Making one takes about a second, so one is made per JVM, on first use, in a temporary
 * folder that is deleted when the JVM exits.
 */
final class SelfSignedCertificate {

	/** The alias of the key entry in the key store. */
	static final String ALIAS = "pos-sandbox";

	private static @Nullable SelfSignedCertificate shared;

	private final Path keyStore;

	private final String password;

	private final Path pem;

	private SelfSignedCertificate(Path keyStore, String password, Path pem) {
		this.keyStore = keyStore;
		this.password = password;
		this.pem = pem;
	}

	/**
	 * The certificate of this JVM, made on first call (and again if its files were
	 * deleted).
	 * @return the certificate of this JVM, made on first call (and again if its files
	 * were deleted)
	 */
	static synchronized SelfSignedCertificate get() {
		if (shared == null || !Files.isReadable(shared.keyStore) || !Files.isReadable(shared.pem)) {
			shared = generate();
		}
		return shared;
	}

	/**
	 * The PKCS#12 key store holding the key and certificate.
	 * @return the PKCS#12 key store holding the key and certificate
	 */
	Path keyStore() {
		return this.keyStore;
	}

	/**
	 * The password of the key store and of its key.
	 * @return the password of the key store and of its key
	 */
	String password() {
		return this.password;
	}

	/**
	 * The certificate as a PEM file.
	 * @return the certificate as a PEM file
	 */
	Path pem() {
		return this.pem;
	}

	private static SelfSignedCertificate generate() {
		try {
			Path folder = Files.createTempDirectory("pos-sandbox-tls-");
			folder.toFile().deleteOnExit();
			Path keyStore = folder.resolve("pos-sandbox.p12");
			Path pem = folder.resolve("pos-sandbox.pem");
			keyStore.toFile().deleteOnExit();
			pem.toFile().deleteOnExit();
			byte[] secret = new byte[18];
			new SecureRandom().nextBytes(secret);
			String password = HexFormat.of().formatHex(secret);
			runKeytool(keyStore, password, folder);
			Files.writeString(pem, toPem(readCertificate(keyStore, password)), StandardCharsets.US_ASCII);
			return new SelfSignedCertificate(keyStore, password, pem);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot create the sandbox's self-signed TLS certificate", ex);
		}
	}

	private static void runKeytool(Path keyStore, String password, Path folder) throws IOException {
		Path keytool = Path.of(System.getProperty("java.home"), "bin",
				System.getProperty("os.name", "").startsWith("Windows") ? "keytool.exe" : "keytool");
		if (!Files.isExecutable(keytool)) {
			throw new IllegalStateException("HTTPS mode needs the JDK's keytool, not found at " + keytool);
		}
		List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg",
				"EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "30", "-dname",
				"CN=localhost, OU=PoS sandbox, O=Chimpy", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype",
				"PKCS12", "-keystore", keyStore.toString(), "-noprompt"));
		command.addAll(List.of("-storepass:env", "POS_SANDBOX_STOREPASS", "-keypass:env", "POS_SANDBOX_STOREPASS"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(folder.resolve("keytool.log").toFile());
		folder.resolve("keytool.log").toFile().deleteOnExit();
		builder.environment().put("POS_SANDBOX_STOREPASS", password);
		Process process = builder.start();
		try {
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("keytool did not finish within 60 seconds");
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while keytool was creating the certificate", ex);
		}
		if (process.exitValue() != 0) {
			String output = Files.readString(folder.resolve("keytool.log"), StandardCharsets.UTF_8);
			throw new IllegalStateException("keytool failed with exit code " + process.exitValue() + ": " + output);
		}
	}

	private static Certificate readCertificate(Path keyStore, String password)
			throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, password.toCharArray());
		}
		Certificate certificate = store.getCertificate(ALIAS);
		if (certificate == null) {
			throw new IllegalStateException("keytool wrote no certificate for alias " + ALIAS);
		}
		return certificate;
	}

	private static String toPem(Certificate certificate) throws GeneralSecurityException {
		String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(certificate.getEncoded());
		return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
	}

}
