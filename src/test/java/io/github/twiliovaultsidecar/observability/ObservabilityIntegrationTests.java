package io.github.twiliovaultsidecar.observability;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.LogCapture;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.TwilioStandIn.Recorded;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics, tracing and the overhead header end to end: a real Vault, the Twilio stand-in, callers
 * over HTTP, the Prometheus scrape and every span the service finished (kept in memory by a test
 * exporter). Neither the scrape nor any span attribute may hold a stored token, and the scrape may
 * hold no Account SID.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ObservabilityIntegrationTests.SpanCapture.class)
class ObservabilityIntegrationTests {

	private static final TwilioStandIn twilio = TwilioStandIn.start();

	private static final List<SpanData> spans = new CopyOnWriteArrayList<>();

	private static final Set<String> storedTokens = ConcurrentHashMap.newKeySet();

	private static final Set<String> accounts = ConcurrentHashMap.newKeySet();

	private static CapturingCaller caller;

	private static LogCapture logs;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	private CredentialStore store;

	private String account;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
		registry.add("management.tracing.sampling.probability", () -> "1.0");
	}

	@BeforeEach
	void seedAnAccount(VaultServer vault) {
		if (caller == null) {
			caller = new CapturingCaller("http://127.0.0.1:" + this.port);
		}
		if (logs == null || !logs.attached()) {
			logs = LogCapture.attach();
		}
		this.store = CredentialStore.vault(vault.rootTemplate(), new VaultLayout("twilio", ""));
		this.account = seed("ie1");
	}

	@AfterAll
	static void noCallerSawAStoredToken() {
		caller.assertNoneContains(storedTokens, List.of());
		twilio.close();
		if (logs != null) {
			logs.close();
		}
	}

	@Test
	void everyProxiedResponseSaysHowLongTheSidecarTookInMilliseconds() {
		HttpResponse<String> ok = get("/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + this.account
				+ "/Messages.json");
		HttpResponse<String> problem = get("/api.tokyo.jp1.twilio.com/2010-04-01/Accounts/" + this.account
				+ "/Messages.json");
		assertThat(ok.statusCode()).isEqualTo(200);
		assertThat(problem.statusCode()).isEqualTo(404);
		for (HttpResponse<String> response : List.of(ok, problem)) {
			String overhead = response.headers().firstValue("X-Sidecar-Overhead-Ms").orElseThrow();
			assertThat(overhead).matches("\\d+\\.\\d{3}");
			assertThat(Double.parseDouble(overhead)).isBetween(0.0, 30_000.0);
		}
	}

	@Test
	void theScrapeCountsRequestsByRegionProductMethodAndStatusClassAndTimesUpstreamOverheadAndVault() {
		get("/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + this.account + "/Messages.json");
		get("/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + this.account + "/Messages.json");
		caller.send("POST", "/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + this.account + "/Messages.json",
				"To=%2B15005550001&From=%2B15005550006&Body=hi", "Content-Type", "application/x-www-form-urlencoded");
		get("/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + TestSids.accountSid() + "/Messages.json");
		HttpResponse<String> inventory = caller.send("GET", "/admin/v1/credentials", null, "X-Vault-Token",
				VaultServer.shared().rootToken());
		HttpResponse<String> validation = caller.send("POST", "/webhooks/v1/validate",
				"{\"account\":\"" + this.account + "\",\"region\":\"ie1\",\"url\":\"https://app.example/sms\","
						+ "\"signature\":\"bm90IGEgc2lnbmF0dXJl\",\"params\":{\"Body\":\"hi\"}}",
				"Content-Type", "application/json");
		assertThat(inventory.statusCode()).as(inventory.body()).isEqualTo(200);
		assertThat(validation.statusCode()).as(validation.body()).isEqualTo(200);

		String scrape = scrape();

		assertThat(counter(scrape, "sidecar_proxy_requests_seconds_count",
				"method=\"GET\",product=\"api\",region=\"ie1\",status=\"2xx\"")).isGreaterThanOrEqualTo(2);
		assertThat(counter(scrape, "sidecar_proxy_requests_seconds_count",
				"method=\"POST\",product=\"api\",region=\"ie1\",status=\"2xx\"")).isGreaterThanOrEqualTo(1);
		assertThat(counter(scrape, "sidecar_proxy_requests_seconds_count",
				"method=\"GET\",product=\"none\",region=\"none\",status=\"4xx\"")).isGreaterThanOrEqualTo(1);
		assertThat(scrape).contains("sidecar_proxy_upstream_seconds_bucket{product=\"api\",region=\"ie1\",le=");
		assertThat(scrape).contains("sidecar_proxy_overhead_seconds_bucket{product=\"api\",region=\"ie1\",le=");
		assertThat(counter(scrape, "sidecar_twilio_concurrent_requests_count", "region=\"ie1\""))
			.as("Twilio-Concurrent-Requests is recorded").isGreaterThanOrEqualTo(3);
		assertThat(counter(scrape, "sidecar_credentials_cache_requests_total", "result=\"hit\""))
			.isGreaterThanOrEqualTo(2);
		assertThat(counter(scrape, "sidecar_credentials_cache_requests_total", "result=\"miss\""))
			.isGreaterThanOrEqualTo(2);
		assertThat(scrape).contains("sidecar_credentials_cache_refreshes_total{result=\"unchanged\"}");
		assertThat(scrape).containsPattern("(?m)^sidecar_credentials_cache_max_age_seconds \\d");
		assertThat(scrape).containsPattern("(?m)^sidecar_credentials_cache_size \\d");
		assertThat(counter(scrape, "sidecar_vault_requests_seconds_count",
				"method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/v1/twilio/data/{path}\""))
			.isGreaterThanOrEqualTo(1);
		assertThat(counter(scrape, "sidecar_vault_requests_seconds_count",
				"outcome=\"CLIENT_ERROR\",status=\"404\",uri=\"/v1/twilio/data/{path}\""))
			.isGreaterThanOrEqualTo(1);
		assertThat(counter(scrape, "sidecar_admin_actions_total", "action=\"inventory\",outcome=\"listed\""))
			.isGreaterThanOrEqualTo(1);
		assertThat(counter(scrape, "sidecar_webhook_validations_total", "result=\"invalid\"")).isGreaterThanOrEqualTo(1);
		assertThat(scrape).as("proxied requests are timed by sidecar.proxy.requests only")
			.doesNotContainPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/(?!actuator|admin|webhooks)");
	}

	@Test
	void aCallersTraceparentIsContinuedThroughVaultAndTwilio() {
		String traceId = TestSids.hex(32);
		String traceparent = "00-" + traceId + "-" + TestSids.hex(16) + "-01";
		HttpResponse<String> response = caller.send("GET",
				"/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + this.account + "/Messages.json", null,
				"traceparent", traceparent);

		assertThat(response.statusCode()).isEqualTo(200);
		List<Recorded> upstream = twilio.requests(r -> r.path().contains(this.account));
		assertThat(upstream).hasSize(1);
		assertThat(upstream.get(0).header("traceparent")).startsWith("00-" + traceId + "-")
			.doesNotContain(traceparent.substring(36, 52));
		List<SpanData> trace = awaitSpans(span -> span.getTraceId().equals(traceId), 3);
		assertThat(trace).anySatisfy(span -> assertThat(span.getAttributes().get(AttributeKey.stringKey("uri")))
			.isEqualTo("/v1/twilio/data/{path}"));
		assertThat(trace).anySatisfy(span -> assertThat(span.getAttributes().get(AttributeKey.stringKey("uri")))
			.isEqualTo("/{twilio-host}/**"));
	}

	@Test
	void theAuditLineCarriesTheIdOfTheTraceTheRequestBelongsTo() {
		String continued = seed("ie1");
		String callerTraceId = TestSids.hex(32);
		caller.send("GET", messages(continued), null, "traceparent", "00-" + callerTraceId + "-" + TestSids.hex(16) + "-01");
		String started = seed("ie1");
		caller.send("GET", messages(started), null);
		String malformed = seed("ie1");
		String junk = "00-" + "Z".repeat(32) + "-" + TestSids.hex(16) + "-01\",\"caller\":\"forged";
		caller.send("GET", messages(malformed), null, "traceparent", junk);

		assertThat(auditTraceId(continued)).isEqualTo(callerTraceId);
		String startedHere = auditTraceId(started);
		assertThat(startedHere).as("the trace the sidecar started").matches("[0-9a-f]{32}");
		assertThat(twilio.requests(r -> r.path().contains(started)).get(0).header("traceparent"))
			.startsWith("00-" + startedHere + "-");
		assertThat(auditTraceId(malformed)).matches("[0-9a-f]{32}").isNotEqualTo(startedHere);
		assertThat(logs.text()).doesNotContain("Z".repeat(32)).doesNotContain("forged");
	}

	private static String messages(String account) {
		return "/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + account + "/Messages.json";
	}

	/** @return the {@code trace_id} of the proxied call's audit line for {@code account}, waiting for the line */
	private static String auditTraceId(String account) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			for (String line : logs.text().split("\n")) {
				if (line.startsWith("{\"time\":") && line.contains("\"event\":\"proxy\"")
						&& line.contains("\"account\":\"" + account + "\"")) {
					return JSON.readTree(line).get("trace_id").asString();
				}
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new AssertionError("no audit line for " + account);
	}

	@Test
	void noMetricHoldsATokenOrAnAccountSidAndNoSpanHoldsAToken() {
		get("/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + this.account + "/Messages.json");
		caller.send("GET", "/api.dublin.ie1.twilio.com/2010-04-01/Accounts.json", null, "X-Twilio-Account-Sid",
				this.account);
		String scrape = scrape();
		awaitSpans(span -> true, 1);

		assertThat(storedTokens).isNotEmpty().allSatisfy(token -> assertThat(scrape).doesNotContain(token));
		assertThat(accounts).isNotEmpty()
			.allSatisfy(sid -> assertThat(scrape.toLowerCase()).doesNotContain(sid.toLowerCase()));
		List<String> attributes = new ArrayList<>();
		for (SpanData span : spans) {
			span.getAttributes().forEach((key, value) -> attributes.add(key.getKey() + "=" + value));
			attributes.add(span.getName());
		}
		assertThat(attributes).isNotEmpty();
		for (String token : storedTokens) {
			assertThat(attributes).noneSatisfy(attribute -> assertThat(attribute).contains(token));
		}
	}

	private String seed(String region) {
		String sid = TestSids.accountSid();
		String token = TestSids.authToken();
		this.store.write(CredentialKey.of(sid, region), Map.of("auth_token", token), SeedMetadata.NONE, 0);
		twilio.authToken(sid, region, token);
		storedTokens.add(token);
		accounts.add(sid);
		return sid;
	}

	private HttpResponse<String> get(String path) {
		return caller.send("GET", path, null);
	}

	private String scrape() {
		HttpResponse<String> response = caller.send("GET", "/actuator/prometheus", null);
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	/** @return the sum of the samples of {@code name} whose labels contain {@code labels} (0 when none) */
	private static double counter(String scrape, String name, String labels) {
		return scrape.lines()
			.filter(line -> line.startsWith(name + "{") && line.contains(labels))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static List<SpanData> awaitSpans(Predicate<SpanData> filter, int atLeast) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		List<SpanData> found = List.of();
		while (System.nanoTime() < deadline) {
			found = spans.stream().filter(filter).toList();
			if (found.size() >= atLeast) {
				return found;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new AssertionError("expected " + atLeast + " matching spans within 20s, had " + found.size()
				+ " of " + spans.size());
	}

	/** Keeps every finished span in memory instead of sending it anywhere. */
	@TestConfiguration(proxyBeanMethods = false)
	static class SpanCapture {

		@Bean
		SpanExporter inMemorySpanExporter() {
			return new SpanExporter() {

				@Override
				public CompletableResultCode export(Collection<SpanData> batch) {
					spans.addAll(batch);
					return CompletableResultCode.ofSuccess();
				}

				@Override
				public CompletableResultCode flush() {
					return CompletableResultCode.ofSuccess();
				}

				@Override
				public CompletableResultCode shutdown() {
					return CompletableResultCode.ofSuccess();
				}

			};
		}

	}

}
