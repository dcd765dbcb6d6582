package com.chimpy.pos.auth.autoconfigure;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import com.chimpy.pos.auth.account.PosAccount;
import com.chimpy.pos.auth.account.PosAccountResolver;
import com.chimpy.pos.auth.account.PosTokenStates;
import com.chimpy.pos.auth.observation.PosAccountsMeterBinder;
import com.chimpy.pos.auth.observation.PosAuthMeterBinder;
import com.chimpy.pos.auth.token.PosTokenState;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration of many accounts, per condition: the default account stays the
 * {@code posTokenState} bean; accounts in properties or a {@link PosAccountResolver} bean
 * make the top-level username and password optional; without any account, start-up fails
 * naming the properties to set.
 */
class PosAccountsAutoConfigurationTests {

	private static final String[] WITHOUT_DEFAULT = Arrays.stream(PosAutoConfigurationRunners.REQUIRED)
		.filter((pair) -> !pair.startsWith("pos.auth.username=") && !pair.startsWith("pos.auth.password="))
		.toArray(String[]::new);

	private final ApplicationContextRunner runner = PosAutoConfigurationRunners.runner(
			PosWebClientAutoConfiguration.class, PosAuthMetricsAutoConfiguration.class,
			PosAuthHealthAutoConfiguration.class);

	@Test
	void singleAccountApplicationsKeepTheirBeans() {
		this.runner.withPropertyValues(PosAutoConfigurationRunners.REQUIRED).run((context) -> {
			assertThat(context).hasNotFailed().hasBean("posTokenState").hasBean("posTokenStates");
			PosTokenStates states = context.getBean(PosTokenStates.class);
			assertThat(states.getDefault()).isSameAs(context.getBean("posTokenState", PosTokenState.class));
			assertThat(states.getDefault().getName()).isEqualTo("pos");
			assertThat(context).hasSingleBean(PosAuthMeterBinder.class).hasSingleBean(PosAccountsMeterBinder.class);
		});
	}

	@Test
	void accountsInPropertiesNeedNoDefaultAccount() {
		this.runner.withPropertyValues(WITHOUT_DEFAULT)
			.withPropertyValues("pos.auth.accounts.north.username=till-n", "pos.auth.accounts.north.password=pw-n",
					"pos.auth.accounts.north.audience=https://north.example.com")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("posTokenState").hasBean("posTokenStates");
				assertThat(context.getBean("posWebClient", WebClient.class)).isNotNull();
				assertThat(context).doesNotHaveBean(PosAuthMeterBinder.class)
					.hasSingleBean(PosAccountsMeterBinder.class);
				PosTokenStates states = context.getBean(PosTokenStates.class);
				assertThat(states.getDefault()).isNull();
				PosTokenState north = states.account("north").block();
				assertThat(north.getName()).isEqualTo("pos/north");
				assertThat(north.getClientRegistration().getClientId()).isEqualTo("pos-client");
				assertThat(context.getEnvironment().getProperty("pos.auth.accounts.north.password")).isEqualTo("pw-n");
				assertThat(context.getBean(PosAuthProperties.class).toString()).contains("north")
					.doesNotContain("pw-n");
			});
	}

	@Test
	void aResolverBeanNeedsNoAccountInProperties() {
		this.runner.withPropertyValues(WITHOUT_DEFAULT)
			.withBean(PosAccountResolver.class,
					() -> (name) -> Mono.just(PosAccount.of(name, "till-" + name, "pw").withClientId("own-client")))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("posTokenState");
				PosTokenState state = context.getBean(PosTokenStates.class).account("store-5").block();
				assertThat(state.getClientRegistration().getClientId()).isEqualTo("own-client");
			});
	}

	@Test
	void noAccountAtAllFailsStartUpNamingTheProperties() {
		this.runner.withPropertyValues(WITHOUT_DEFAULT).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidPosPropertyException.class)
				.hasMessageContaining("pos.auth.username");
			InvalidPosPropertyException ex = (InvalidPosPropertyException) rootCause(context.getStartupFailure());
			assertThat(ex.getAction()).contains("pos.auth.accounts.<name>");
		});
	}

	@Test
	void anAccountWithoutPasswordFailsStartUpNamingIt() {
		this.runner.withPropertyValues(WITHOUT_DEFAULT)
			.withPropertyValues("pos.auth.accounts.north.username=till-n")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidPosPropertyException ex = (InvalidPosPropertyException) rootCause(context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("pos.auth.accounts.north.password");
			});
	}

	@Test
	void aPasswordWithoutUsernameStillFails() {
		this.runner.withPropertyValues(WITHOUT_DEFAULT)
			.withPropertyValues("pos.auth.password=pw", "pos.auth.accounts.north.username=till-n",
					"pos.auth.accounts.north.password=pw-n")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidPosPropertyException ex = (InvalidPosPropertyException) rootCause(context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("pos.auth.username");
			});
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable candidate = failure;
		while (candidate.getCause() != null) {
			candidate = candidate.getCause();
		}
		return candidate;
	}

}
