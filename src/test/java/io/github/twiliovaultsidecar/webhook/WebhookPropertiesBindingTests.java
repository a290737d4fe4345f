package io.github.twiliovaultsidecar.webhook;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sidecar.webhooks.*} as Spring binds it: defaults with nothing set, start-up failures naming the property. */
class WebhookPropertiesBindingTests {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
		.withUserConfiguration(Enable.class);

	@Test
	void bindsDefaultsWhenNothingIsConfigured() {
		this.context.run(context -> {
			WebhookProperties properties = context.getBean(WebhookProperties.class);
			assertThat(properties.publicBase()).isEmpty();
			assertThat(properties.trustForwardedHeaders()).isFalse();
			assertThat(properties.rotationGrace()).isEqualTo(Duration.ofMinutes(15));
			assertThat(properties.maxBodySize()).isEqualTo(DataSize.ofMegabytes(1));
			assertThat(properties.maxBodySize().toBytes()).isEqualTo(1_048_576);
			assertThat(properties.routes()).isEmpty();
		});
	}

	@Test
	void bindsRoutesFromKebabCaseProperties() {
		String account = TestSids.accountSid();
		this.context
			.withPropertyValues("sidecar.webhooks.routes[0].name=sms",
					"sidecar.webhooks.routes[0].app-url=http://127.0.0.1:3000/twilio",
					"sidecar.webhooks.routes[0].account=" + account, "sidecar.webhooks.routes[0].region=IE1",
					"sidecar.webhooks.rotation-grace=5m")
			.run(context -> {
				WebhookProperties properties = context.getBean(WebhookProperties.class);
				assertThat(properties.routesByName()).containsOnlyKeys("sms");
				assertThat(properties.routesByName().get("sms").key().toString()).isEqualTo(account + "/ie1");
				assertThat(properties.rotationGrace()).isEqualTo(Duration.ofMinutes(5));
			});
	}

	@Test
	void aBadRouteStopsStartUpNamingThePropertyAndValue() {
		this.context
			.withPropertyValues("sidecar.webhooks.routes[0].name=sms", "sidecar.webhooks.routes[0].app-url=http://h",
					"sidecar.webhooks.routes[0].account=AC-nope", "sidecar.webhooks.routes[0].region=ie1")
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sidecar.webhooks.routes[0].account")
				.hasMessageContaining("'AC-nope'"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(WebhookProperties.class)
	static class Enable {

	}

}
