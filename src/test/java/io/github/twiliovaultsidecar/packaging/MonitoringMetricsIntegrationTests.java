package io.github.twiliovaultsidecar.packaging;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every series the chart's alerting rules and Grafana dashboard read exists on
 * {@code /actuator/prometheus} of a running service after ordinary traffic: proxied calls in two
 * regions, a region answering 5xx, an account held at its concurrency limit, and a background
 * verification run. A rule or panel reading a misspelt or removed meter fails here.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MonitoringMetricsIntegrationTests {

	static final String PREFIX = "monitoring-" + TestSids.hex(8) + "/";

	static final TwilioStandIn twilio = TwilioStandIn.start();

	static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("sidecar.vault.prefix", () -> PREFIX);
		registry.add("sidecar.verification.interval", () -> "2s");
		registry.add("sidecar.verification.lease-ttl", () -> "3s");
		registry.add("sidecar.resilience.accounts.default-limit", () -> "1");
		registry.add("sidecar.resilience.accounts.queue-timeout", () -> "50ms");
	}

	@Test
	void everyMetricARuleOrAPanelReadsExistsAfterTraffic(VaultServer vault) throws Exception {
		String account = TestSids.accountSid();
		for (String region : List.of("ie1", "au1")) {
			String token = TestSids.authToken();
			twilio.authToken(account, region, token);
			HttpResponse<String> written = vault.http("POST", "twilio/data/" + PREFIX + account + "/" + region,
					JSON.writeValueAsString(Map.of("data", Map.of("auth_token", token))));
			assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
		}
		CapturingCaller caller = new CapturingCaller("http://127.0.0.1:" + this.port);
		String messages = "/2010-04-01/Accounts/" + account + "/Messages.json";

		assertThat(caller.send("GET", "/api.dublin.ie1.twilio.com" + messages, null).statusCode()).isEqualTo(200);
		twilio.fault("api.sydney.au1.twilio.com", TwilioStandIn.Fault.failWith(503));
		assertThat(caller.send("GET", "/api.sydney.au1.twilio.com" + messages, null).statusCode()).isEqualTo(503);
		twilio.fault("api.sydney.au1.twilio.com", TwilioStandIn.Fault.delay(500));
		List<CompletableFuture<Integer>> burst = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			burst.add(CompletableFuture
				.supplyAsync(() -> caller.send("GET", "/api.sydney.au1.twilio.com" + messages, null).statusCode()));
		}
		assertThat(burst.stream().map(CompletableFuture::join).toList()).as("a burst over the account's limit of 1")
			.contains(429);
		twilio.clearFaults();

		MonitoringChart chart = MonitoringChart.render(Map.of());
		Set<String> ruleMetrics = MonitoringChart.metrics(chart.alertExpressions().values());
		List<String> dashboardQueries = new ArrayList<>(chart.panelExpressions());
		dashboardQueries.addAll(chart.variableQueries());
		Set<String> panelMetrics = MonitoringChart.metrics(dashboardQueries);
		assertThat(ruleMetrics).hasSizeGreaterThanOrEqualTo(7);
		assertThat(panelMetrics).hasSizeGreaterThanOrEqualTo(12);

		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		Set<String> scraped = scrape(caller);
		while (!scraped.containsAll(ruleMetrics) || !scraped.containsAll(panelMetrics)) {
			if (System.nanoTime() > deadline) {
				break;
			}
			Thread.sleep(250);
			scraped = scrape(caller);
		}
		assertThat(scraped).as("series the alerting rules read").containsAll(ruleMetrics);
		assertThat(scraped).as("series the dashboard panels read").containsAll(panelMetrics);
		assertThat(sample(caller, "sidecar_proxy_account_limited_total")).isPositive();
	}

	@AfterAll
	static void stopTwilio() {
		twilio.close();
	}

	/** @return the names of every series on /actuator/prometheus */
	private static Set<String> scrape(CapturingCaller caller) {
		HttpResponse<String> response = caller.send("GET", "/actuator/prometheus", null);
		assertThat(response.statusCode()).isEqualTo(200);
		Set<String> names = new TreeSet<>();
		response.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> {
			int end = line.indexOf('{');
			names.add((end > 0) ? line.substring(0, end) : line.substring(0, line.indexOf(' ')));
		});
		return names;
	}

	private static double sample(CapturingCaller caller, String name) {
		return caller.send("GET", "/actuator/prometheus", null)
			.body()
			.lines()
			.filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

}
