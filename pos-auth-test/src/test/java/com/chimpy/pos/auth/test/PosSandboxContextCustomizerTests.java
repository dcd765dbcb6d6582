package com.chimpy.pos.auth.test;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PosSandboxContextCustomizerTests {

	private final PosSandboxContextCustomizerFactory factory = new PosSandboxContextCustomizerFactory();

	@Test
	void noCustomizerWithoutTheAnnotation() {
		assertThat(this.factory.createContextCustomizer(PosSandboxContextCustomizerTests.class, List.of())).isNull();
	}

	@Test
	void customizersWithTheSameSettingsAreEqual() {
		ContextCustomizer first = this.factory.createContextCustomizer(Defaults.class, List.of());
		ContextCustomizer second = this.factory.createContextCustomizer(OtherDefaults.class, List.of());
		ContextCustomizer https = this.factory.createContextCustomizer(Https.class, List.of());
		ContextCustomizer shortLived = this.factory.createContextCustomizer(ShortLived.class, List.of());
		ContextCustomizer inner = this.factory.createContextCustomizer(Https.Inner.class, List.of());

		assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
		assertThat(first).isNotEqualTo(https).isNotEqualTo(shortLived);
		assertThat(inner).isEqualTo(https);
		assertThat(new PosSandboxContextCustomizer(false, 60, "secret").toString()).doesNotContain("secret]");
	}

	@Test
	void nonPositiveLifetimeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PosSandboxContextCustomizer(false, 0, ""));
	}

	@Test
	void sandboxStopsWhenTheContextCloses() {
		PosSandboxContextCustomizer customizer = new PosSandboxContextCustomizer(false, 3600, "");
		PosSandbox sandbox;
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("Inlined Test Properties", java.util.Map.of("a", "b")));
			customizer.customizeContext(context, null);
			context.refresh();
			sandbox = context.getBean(PosSandbox.class);
			assertThat(sandbox.isRunning()).isTrue();
			assertThat(context.getEnvironment()
				.getPropertySources()
				.precedenceOf(context.getEnvironment().getPropertySources().get("posSandbox"))).isEqualTo(1);
		}
		assertThat(sandbox.isRunning()).isFalse();
	}

	@Test
	void sandboxStartsWhenItsPropertiesAreFirstRead() {
		PosSandboxContextCustomizer customizer = new PosSandboxContextCustomizer(false, 3600, "");
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			customizer.customizeContext(context, null);
			PosSandbox sandbox = context.getBeanFactory().getBean(PosSandbox.class);
			assertThat(sandbox.isRunning()).isFalse();

			String tokenUri = context.getEnvironment().getProperty("pos.auth.token-uri");

			assertThat(sandbox.isRunning()).isTrue();
			assertThat(tokenUri).isEqualTo(sandbox.tokenUri());
		}
	}

	@Test
	void aotProcessingStartsNoSandbox() {
		PosSandboxContextCustomizer customizer = new PosSandboxContextCustomizer(true, 3600, "");
		PosSandbox sandbox;
		String baseUrl;
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			System.setProperty(AbstractAotProcessor.AOT_PROCESSING, "true");
			try {
				customizer.customizeContext(context, null);
				context.refreshForAotProcessing(new RuntimeHints());
				baseUrl = context.getEnvironment().getProperty("pos.api.base-url");
				sandbox = context.getBeanFactory().getBean(PosSandbox.class);
				assertThat(sandbox.isRunning()).isFalse();
			}
			finally {
				System.clearProperty(AbstractAotProcessor.AOT_PROCESSING);
			}
		}
		assertThat(baseUrl).isEqualTo("https://localhost:0/api/v2");
		assertThat(sandbox.isRunning()).isFalse();
		assertThatIllegalStateException().isThrownBy(sandbox::start).withMessageContaining("closed");
	}

	@EnablePosSandbox
	static class Defaults {

	}

	@EnablePosSandbox(tokenLifetimeSeconds = 3600)
	static class OtherDefaults {

	}

	@EnablePosSandbox(https = true)
	static class Https {

		class Inner {

		}

	}

	@EnablePosSandbox(tokenLifetimeSeconds = 5)
	static class ShortLived {

	}

}
