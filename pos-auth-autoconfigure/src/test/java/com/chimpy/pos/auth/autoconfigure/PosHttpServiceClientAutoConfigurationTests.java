package com.chimpy.pos.auth.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.chimpy.pos.auth.httpservice.PosRestClientHttpServiceGroupConfigurer;
import com.chimpy.pos.auth.httpservice.PosWebClientHttpServiceGroupConfigurer;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.HttpServiceProxyRegistry;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The conditions of {@link PosHttpServiceClientAutoConfiguration}, one test each: the
 * group configurers exist only with pos-auth's token state and imported HTTP services,
 * the {@code WebClient} one only with Spring WebFlux, each backs off for an application
 * bean of its name, and the group name and base URL come from the properties. Nothing
 * here sends a request; the end-to-end tests are in
 * {@code com.chimpy.pos.auth.httpservice}.
 */
class PosHttpServiceClientAutoConfigurationTests {

	private static final String BASE_URL = "https://pos.example.com/api/v2";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
				WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
				PosHttpServiceClientAutoConfiguration.class))
		.withPropertyValues("pos.auth.token-uri=https://auth.example.com/oauth/token", "pos.auth.client-id=client",
				"pos.auth.username=user", "pos.auth.password=password", "pos.api.base-url=" + BASE_URL);

	@Test
	void definesBothConfigurersForThePosGroupWhenHttpServicesAreImported() {
		this.runner.withUserConfiguration(PosServices.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PosRestClientHttpServiceGroupConfigurer.class)
				.hasSingleBean(PosWebClientHttpServiceGroupConfigurer.class);
			assertThat(context.getBean(PosRestClientHttpServiceGroupConfigurer.class).getGroupName()).isEqualTo("pos");
			assertThat(context.getBean(PosWebClientHttpServiceGroupConfigurer.class).getGroupName()).isEqualTo("pos");
			assertThat(context.getBean(PosRestClientHttpServiceGroupConfigurer.class).getOrder())
				.isEqualTo(PosRestClientHttpServiceGroupConfigurer.ORDER);
		});
	}

	@Test
	void definesNothingWithoutImportedHttpServices() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(PosTokenState.class);
			assertThat(context).doesNotHaveBean(HttpServiceProxyRegistry.class)
				.doesNotHaveBean(PosRestClientHttpServiceGroupConfigurer.class)
				.doesNotHaveBean(PosWebClientHttpServiceGroupConfigurer.class);
		});
	}

	@Test
	void definesNothingWithoutPosProperties() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
					WebClientAutoConfiguration.class, PosAuthAutoConfiguration.class,
					PosHttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(PosServices.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("httpServiceProxyRegistry");
				assertThat(context).doesNotHaveBean(PosTokenState.class)
					.doesNotHaveBean(PosRestClientHttpServiceGroupConfigurer.class)
					.doesNotHaveBean(PosWebClientHttpServiceGroupConfigurer.class);
			});
	}

	@Test
	void definesOnlyTheRestClientConfigurerWithoutSpringWebFluxsGroupSupport() {
		this.runner.withUserConfiguration(RestClientPosServices.class)
			.withClassLoader(new FilteredClassLoader(WebClientHttpServiceGroupConfigurer.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PosRestClientHttpServiceGroupConfigurer.class);
				assertThat(context).doesNotHaveBean(PosWebClientHttpServiceGroupConfigurer.class);
			});
	}

	@Test
	void restClientConfigurerBacksOffForTheApplicationsBeanOfItsName() {
		this.runner.withUserConfiguration(PosServices.class)
			.withBean("posRestClientHttpServiceGroupConfigurer", PosRestClientHttpServiceGroupConfigurer.class,
					() -> new PosRestClientHttpServiceGroupConfigurer("own", BASE_URL, mock(PosTokenState.class),
							Duration.ofSeconds(1)))
			.run((context) -> {
				assertThat(context).hasSingleBean(PosRestClientHttpServiceGroupConfigurer.class);
				assertThat(context.getBean(PosRestClientHttpServiceGroupConfigurer.class).getGroupName())
					.isEqualTo("own");
				assertThat(context).hasSingleBean(PosWebClientHttpServiceGroupConfigurer.class);
			});
	}

	@Test
	void webClientConfigurerBacksOffForTheApplicationsBeanOfItsName() {
		this.runner.withUserConfiguration(PosServices.class)
			.withBean("posWebClientHttpServiceGroupConfigurer", PosWebClientHttpServiceGroupConfigurer.class,
					() -> new PosWebClientHttpServiceGroupConfigurer("own", BASE_URL, mock(PosTokenState.class)))
			.run((context) -> {
				assertThat(context).hasSingleBean(PosWebClientHttpServiceGroupConfigurer.class);
				assertThat(context.getBean(PosWebClientHttpServiceGroupConfigurer.class).getGroupName())
					.isEqualTo("own");
				assertThat(context).hasSingleBean(PosRestClientHttpServiceGroupConfigurer.class);
			});
	}

	@Test
	void groupNameComesFromThePosApiProperty() {
		this.runner.withUserConfiguration(PosServices.class)
			.withPropertyValues("pos.api.http-service-group=chimpy")
			.run((context) -> {
				assertThat(context.getBean(PosRestClientHttpServiceGroupConfigurer.class).getGroupName())
					.isEqualTo("chimpy");
				assertThat(context.getBean(PosWebClientHttpServiceGroupConfigurer.class).getGroupName())
					.isEqualTo("chimpy");
			});
	}

	@Test
	void blankGroupNameFailsStartUpNamingTheProperty() {
		this.runner.withUserConfiguration(PosServices.class)
			.withPropertyValues("pos.api.http-service-group= ")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPosPropertyException.class)
				.hasMessageContaining("pos.api.http-service-group"));
	}

	@Test
	void groupBaseUrlOverPlainHttpOnAnotherHostFailsStartUpNamingTheProperty() {
		this.runner.withUserConfiguration(PosServices.class)
			.withPropertyValues("spring.http.serviceclient.pos.base-url=http://pos.example.com/api/v2")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPosPropertyException.class)
				.hasMessageContaining("spring.http.serviceclient.pos.base-url")
				.hasMessageContaining("http"));
	}

	@Test
	void baseUrlOfOtherGroupsIsNotChecked() {
		this.runner.withUserConfiguration(PosServices.class)
			.withPropertyValues("spring.http.serviceclient.other.base-url=http://other.example.com")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(PosRestClientHttpServiceGroupConfigurer.class));
	}

	interface PingApi {

		@GetExchange("/ping")
		String ping();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "pos", types = PingApi.class)
	static class PosServices {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "pos", types = PingApi.class, clientType = HttpServiceGroup.ClientType.REST_CLIENT)
	static class RestClientPosServices {

	}

}
