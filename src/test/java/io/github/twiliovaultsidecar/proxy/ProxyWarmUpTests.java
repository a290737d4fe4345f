package io.github.twiliovaultsidecar.proxy;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.http.client.ReactorResourceFactory;

import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.support.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up on its own, with the defaults of every setting but its own. */
class ProxyWarmUpTests {

	@Test
	void pastTheTimeoutNoRequestIsSentAndThoseInFlightAreAnsweredNotCutOff() throws Exception {
		Binder binder = Binder.get(new StandardEnvironment());
		ReactorResourceFactory resources = new ReactorResourceFactory();
		resources.setUseGlobalResources(false);
		resources.afterPropertiesSet();
		try (LogCapture logs = LogCapture.attach()) {
			ProxyWarmUp warmUp = new ProxyWarmUp(new WarmUpProperties(1_000_000, Duration.ofMillis(500), 8),
					binder.bindOrCreate("sidecar.proxy", ProxyProperties.class),
					binder.bindOrCreate("sidecar.resilience", ResilienceProperties.class), resources,
					new VaultLayout("twilio", ""), Clock.systemUTC());
			warmUp.run(null);

			ProxyWarmUp.Report report = warmUp.report();
			assertThat(report.stoppedEarly()).isTrue();
			assertThat(report.sent()).isPositive().isLessThan(1_000_000);
			assertThat(report.answered()).as("every request sent was answered").isEqualTo(report.sent());
			assertThat(report.millis()).isLessThan(Duration.ofSeconds(30).toMillis());
			assertThat(logs.text()).contains("Proxy warm-up: " + report.answered() + " of 1000000 requests answered")
				.doesNotContain("Exception");
		}
		finally {
			resources.destroy();
		}
	}

}
