package io.github.twiliovaultsidecar.seeding;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.twiliovaultsidecar.SidecarApplication;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static io.github.twiliovaultsidecar.seeding.VerificationApi.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the service sharing one Vault (and one prefix, so one lease) verify each entry
 * once per interval between them: consecutive checks of an entry are never closer than the shortest
 * jittered interval, whichever instance made them.
 */
@RealVault
class VerificationLeaseIntegrationTests {

	private static final Duration INTERVAL = Duration.ofSeconds(4);

	private static final double JITTER = 0.1;

	private static final Duration WATCH = Duration.ofSeconds(15);

	@Test
	void twoInstancesSharingAVaultVerifyEachEntryOncePerInterval(VaultServer vault) throws Exception {
		vault.enableKv2("twilio");
		String prefix = "lease-" + TestSids.hex(8) + "/";
		try (TwilioStandIn twilio = TwilioStandIn.start()) {
			List<String> accounts = new ArrayList<>();
			for (String region : List.of("ie1", "us1", "au1")) {
				String account = TestSids.accountSid();
				String token = TestSids.authToken();
				twilio.authToken(account, region, token);
				HttpResponse<String> written = vault.http("POST", "twilio/data/" + prefix + account + "/" + region,
						JSON.writeValueAsString(Map.of("data", Map.of("auth_token", token))));
				assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
				accounts.add(account);
			}
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("server.port", "0");
			properties.put("spring.cloud.vault.uri", vault.address());
			properties.put("spring.cloud.vault.token", vault.rootToken());
			properties.put("sidecar.twilio.upstream-override", twilio.baseUrl());
			properties.put("sidecar.vault.prefix", prefix);
			properties.put("sidecar.verification.interval", INTERVAL.toMillis() + "ms");
			properties.put("sidecar.verification.jitter", Double.toString(JITTER));
			properties.put("sidecar.verification.lease-ttl", "3s");
			List<ConfigurableApplicationContext> instances = new ArrayList<>();
			double counted = 0;
			try {
				instances.add(start(properties));
				instances.add(start(properties));
				Thread.sleep(WATCH.toMillis());
				for (ConfigurableApplicationContext instance : instances) {
					counted += instance.getBean(MeterRegistry.class)
						.find(VerificationResults.CHECKS)
						.counters()
						.stream()
						.mapToDouble(counter -> counter.count())
						.sum();
				}
			}
			finally {
				instances.forEach(ConfigurableApplicationContext::close);
			}

			Duration shortest = Duration.ofMillis((long) (INTERVAL.toMillis() * (1 - JITTER)));
			for (String account : accounts) {
				List<TwilioStandIn.Recorded> checks = twilio.requests(r -> r.path().contains(account));
				assertThat(checks).as("checks of %s", account).hasSizeGreaterThanOrEqualTo(3);
				for (int i = 1; i < checks.size(); i++) {
					assertThat(Duration.between(checks.get(i - 1).receivedAt(), checks.get(i).receivedAt()))
						.as("check %d of %s came one interval after the one before, not sooner", i, account)
						.isGreaterThanOrEqualTo(shortest.minusMillis(300));
				}
			}
			assertThat(counted).as("checks both instances counted").isLessThanOrEqualTo(twilio.requests().size());
			assertThat(counted).isGreaterThanOrEqualTo(twilio.requests().size() - accounts.size());
		}
	}

	/** Starts one instance; properties are passed as arguments, so they win over application.properties. */
	private static ConfigurableApplicationContext start(Map<String, Object> properties) {
		String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
			.toArray(String[]::new);
		return new SpringApplicationBuilder(SidecarApplication.class).run(arguments);
	}

}
