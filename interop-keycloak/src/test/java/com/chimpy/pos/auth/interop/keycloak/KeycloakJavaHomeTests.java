package com.chimpy.pos.auth.interop.keycloak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link KeycloakJavaHome}.
 */
class KeycloakJavaHomeTests {

	@TempDir
	Path temp;

	@Test
	void readsFeatureReleaseOfModernAndLegacyVersions() throws IOException {
		assertThat(KeycloakJavaHome.featureRelease(jdk("a", "25.0.1"))).isEqualTo(25);
		assertThat(KeycloakJavaHome.featureRelease(jdk("b", "21"))).isEqualTo(21);
		assertThat(KeycloakJavaHome.featureRelease(jdk("c", "1.8.0_292"))).isEqualTo(8);
		assertThat(KeycloakJavaHome.featureRelease(this.temp.resolve("none"))).isEqualTo(-1);
	}

	@Test
	void explicitPropertyIsUsedWhenItIsAJdk21OrLater() throws IOException {
		Path jdk = jdk("jdk-21", "21.0.5");
		assertThat(KeycloakJavaHome.locate(jdk.toString(), null, missingDefault(), jdk("jdk-17", "17.0.15"), null,
				List.of()))
			.isEqualTo(jdk);
	}

	@Test
	void explicitPropertyNamingAnOlderJdkFailsNamingIt() throws IOException {
		Path old = jdk("jdk-17", "17.0.15");
		Path newer = jdk("jdk-25", "25.0.1");
		assertThatIllegalStateException()
			.isThrownBy(
					() -> KeycloakJavaHome.locate(old.toString(), null, missingDefault(), old, null, List.of(newer)))
			.withMessageContaining("-Dkeycloak.java.home=" + old)
			.withMessageContaining("is Java 17")
			.withMessageContaining("Java 21 or later");
	}

	@Test
	void environmentVariableNamingAMissingDirectoryFails() {
		Path missing = this.temp.resolve("missing");
		assertThatIllegalStateException().isThrownBy(
				() -> KeycloakJavaHome.locate(null, missing.toString(), missingDefault(), this.temp, null, List.of()))
			.withMessageContaining("KEYCLOAK_JAVA_HOME=" + missing)
			.withMessageContaining("does not exist");
	}

	@Test
	void withoutAChoiceTheNewestInstalledJdk21OrLaterIsFound() throws IOException {
		Path running = jdk("jdk-17", "17.0.15");
		Path jdk21 = jdk("jdk-21", "21.0.5");
		Path jdk25 = jdk("jdk-25", "25.0.1");
		// The build's default names a JDK that is not there: the search goes on.
		assertThat(KeycloakJavaHome.locate(missingDefault().toString(), null, missingDefault(), running, null,
				List.of(running, jdk21, jdk25)))
			.isEqualTo(jdk25);
	}

	@Test
	void defaultIsTakenFirstWhenItIsThere() throws IOException {
		Path defaultHome = jdk("default", "25.0.1");
		assertThat(KeycloakJavaHome.locate(defaultHome.toString(), null, defaultHome, jdk("jdk-17", "17.0.15"), null,
				List.of(jdk("jdk-26", "26"))))
			.isEqualTo(defaultHome);
	}

	@Test
	void javaHomeOfJdk21OrLaterIsFound() throws IOException {
		Path running = jdk("jdk-17", "17.0.15");
		Path jdk22 = jdk("jdk-22", "22.0.2");
		assertThat(KeycloakJavaHome.locate(null, null, missingDefault(), running, jdk22.toString(), List.of()))
			.isEqualTo(jdk22);
	}

	@Test
	void noJdk21OrLaterFailsSayingWhatToInstallAndSet() throws IOException {
		Path running = jdk("jdk-17", "17.0.15");
		Path notAJdk = Files.createDirectories(this.temp.resolve("not-a-jdk"));
		assertThatIllegalStateException()
			.isThrownBy(() -> KeycloakJavaHome.locate(null, null, missingDefault(), running, null, List.of(notAJdk)))
			.withMessageContaining(missingDefault() + " (does not exist)")
			.withMessageContaining("Keycloak needs Java 21 or later, and no such JDK was found")
			.withMessageContaining(running + " (is Java 17)")
			.withMessageContaining(notAJdk + " (has no bin/java)")
			.withMessageContaining("Install a JDK 21 or later")
			.withMessageContaining("-Dkeycloak.java.home=/path/to/jdk")
			.withMessageContaining("KEYCLOAK_JAVA_HOME");
	}

	private Path missingDefault() {
		return this.temp.resolve("temurin-25-jdk-amd64");
	}

	private Path jdk(String name, String version) throws IOException {
		Path home = Files.createDirectories(this.temp.resolve(name));
		Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
		Files.writeString(java, "#!/bin/sh\n");
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
		return home;
	}

}
