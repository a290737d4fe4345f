package io.github.twiliovaultsidecar.proxy;

import java.util.ArrayList;
import java.util.List;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sidecar.proxy.event-loops}: how many threads the server and the upstream client share. */
class ProxyEventLoopsTests {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
		.withUserConfiguration(Enable.class);

	@Test
	void oneLoopPerCpuUnlessConfigured() {
		this.context.run(context -> assertThat(context.getBean(ProxyProperties.class).eventLoops())
			.isEqualTo(Math.min(Runtime.getRuntime().availableProcessors(), 4)));
	}

	@ParameterizedTest
	@CsvSource({ "1, 1", "2, 2", "4, 4", "5, 4", "64, 4" })
	void aPodWithoutACpuLimitDoesNotGetALoopPerCoreOfItsNode(int processors, int loops) {
		assertThat(ProxyProperties.defaultEventLoops(processors)).isEqualTo(loops);
	}

	@Test
	void moreLoopsThanTheDefaultCapWhenConfigured() {
		this.context.withPropertyValues("sidecar.proxy.event-loops=8")
			.run(context -> assertThat(context.getBean(ProxyProperties.class).eventLoops()).isEqualTo(8));
	}

	@Test
	void theResourceFactoryHasExactlyTheConfiguredLoops() {
		this.context.withPropertyValues("sidecar.proxy.event-loops=3").run(context -> {
			ReactorResourceFactory resources = new ProxyConfiguration()
				.reactorResourceFactory(context.getBean(ProxyProperties.class));
			resources.start();
			try {
				EventLoopGroup server = resources.getLoopResources().onServer(true);
				List<EventExecutor> loops = new ArrayList<>();
				server.forEach(loops::add);
				assertThat(loops).hasSize(3);
				assertThat(resources.isUseGlobalResources()).isFalse();
			}
			finally {
				resources.stop();
			}
		});
	}

	@Test
	void zeroLoopsStopsStartUpNamingTheProperty() {
		this.context.withPropertyValues("sidecar.proxy.event-loops=0")
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sidecar.proxy.event-loops must be at least 1, got 0"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ProxyProperties.class)
	static class Enable {

	}

}
