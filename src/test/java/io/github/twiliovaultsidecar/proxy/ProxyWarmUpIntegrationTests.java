package io.github.twiliovaultsidecar.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up before readiness, in a service started against the real Vault and the Twilio stand-in:
 * every warm-up request was answered before readiness went UP, and none of them reached Twilio, wrote
 * an audit line, showed in the service's meters or left a credential in its cache.
 */
@ExtendWith(OutputCaptureExtension.class)
@RealVault
@Import(ProxyWarmUpIntegrationTests.ReadinessWatch.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProxyWarmUpIntegrationTests {

	static final int REQUESTS = 400;

	static final TwilioStandIn twilio = TwilioStandIn.start();

	/** The warm-up's report as it was when readiness went to ACCEPTING_TRAFFIC. */
	static final AtomicReference<ProxyWarmUp.Report> atReadiness = new AtomicReference<>();

	@LocalServerPort
	int port;

	@Autowired
	CredentialCache credentials;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.proxy.warm-up.requests", () -> String.valueOf(REQUESTS));
		registry.add("sidecar.proxy.warm-up.timeout", () -> "60s");
	}

	@AfterAll
	static void stop() {
		twilio.close();
	}

	@Test
	void everyWarmUpRequestIsAnsweredBeforeReadinessAndTouchesNothingOfTheService(CapturedOutput output)
			throws Exception {
		ProxyWarmUp.Report report = atReadiness.get();
		assertThat(report).as("the warm-up had finished when readiness went UP").isNotNull();
		assertThat(report.sent()).isEqualTo(REQUESTS);
		assertThat(report.answered()).isEqualTo(REQUESTS);
		assertThat(report.stoppedEarly()).isFalse();
		assertThat(output.getAll()).contains("Proxy warm-up: " + REQUESTS + " requests through the proxy path")
			.doesNotContain("\"event\":\"proxy\"");

		assertThat(twilio.requests(request -> true)).as("nothing reached the Twilio stand-in").isEmpty();
		assertThat(this.credentials.held()).as("the service's cache holds no warm-up credential").isEmpty();
		HttpResponse<String> metrics = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).as("the service's own meters counted no warm-up request")
			.doesNotContain("sidecar_proxy_requests_seconds_count")
			.doesNotContain("twilio.com");
	}

	/** Records the warm-up's report at the moment readiness changes to ACCEPTING_TRAFFIC. */
	@TestConfiguration(proxyBeanMethods = false)
	static class ReadinessWatch {

		@Bean
		ApplicationListener<AvailabilityChangeEvent<ReadinessState>> readinessWatch(ApplicationContext context) {
			return event -> {
				if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
					atReadiness.set(context.getBean(ProxyWarmUp.class).report());
				}
			};
		}

	}

}
