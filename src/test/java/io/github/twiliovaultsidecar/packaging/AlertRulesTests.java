package io.github.twiliovaultsidecar.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's alerting rules run through Prometheus's own {@code promtool} (from tools/promtool,
 * built into the tool cache by {@code make test}, or here on first use): {@code check rules} on the
 * rendered rule file, and {@code test rules} with src/test/resources/prometheus/alert-rules-tests.yaml,
 * whose series make each alert fire and, next to them, series that must not; and every Grafana
 * dashboard query through {@code check rules} too, as recording rules, so each parses as PromQL. The
 * output of the last run is kept in target/promtool/.
 */
class AlertRulesTests {

	private static final Path TESTS = Paths.get("src", "test", "resources", "prometheus", "alert-rules-tests.yaml");

	private static final Path OUTPUT = Paths.get("target", "promtool");

	private static Path promtool;

	@BeforeAll
	static void installPromtool() throws Exception {
		Result ensure = run(List.of("bash", "tools/promtool/ensure.sh"), null);
		assertThat(ensure.exit()).as("tools/promtool/ensure.sh: %s", ensure.output()).isZero();
		List<String> lines = ensure.output().lines().toList();
		promtool = Paths.get(lines.get(lines.size() - 1).trim());
		Files.createDirectories(OUTPUT);
	}

	@Test
	void theRenderedRulesPassPromtoolCheckRules(@TempDir Path work) throws Exception {
		MonitoringChart chart = MonitoringChart.render(Map.of());
		assertThat(chart.alertExpressions()).containsOnlyKeys("TwilioStoredCredentialRejected",
				"TwilioCredentialVerificationStale", "TwilioCredentialVerificationNotRunning",
				"TwilioSidecarVaultStalenessRising", "TwilioSidecarRegionBreakerOpen", "TwilioSidecarHighErrorRate",
				"TwilioSidecarAccountConcurrencyLimitHit");
		Path rules = work.resolve("rules.yaml");
		Files.writeString(rules, chart.ruleFile());
		Files.writeString(OUTPUT.resolve("rules.yaml"), chart.ruleFile());
		Result checked = run(List.of(promtool.toString(), "check", "rules", rules.toString()), OUTPUT.resolve("check-rules.txt"));
		assertThat(checked.exit()).as(checked.output()).isZero();
		assertThat(checked.output()).contains("SUCCESS: 7 rules found");
	}

	@Test
	void everyDashboardQueryIsPromqlPromtoolParses(@TempDir Path work) throws Exception {
		MonitoringChart chart = MonitoringChart.render(Map.of());
		assertThat(chart.panelExpressions()).hasSizeGreaterThan(10).allMatch(expression -> !expression.isBlank());
		Path rules = work.resolve("dashboard-queries.yaml");
		Files.writeString(rules, chart.panelRuleFile());
		Result checked = run(List.of(promtool.toString(), "check", "rules", rules.toString()),
				OUTPUT.resolve("check-dashboard-queries.txt"));
		assertThat(checked.exit()).as(checked.output()).isZero();
		assertThat(checked.output()).contains("SUCCESS: " + chart.panelExpressions().size() + " rules found");
	}

	@Test
	void eachAlertFiresOnItsSeriesAndNotOnTheOthers(@TempDir Path work) throws Exception {
		Result tested = testRules(work, Files.readString(TESTS), "test-rules.txt");
		assertThat(tested.exit()).as(tested.output()).isZero();
		assertThat(tested.output()).contains("SUCCESS");
		String junit = Files.readString(OUTPUT.resolve("test-rules.junit.xml"));
		assertThat(junit).contains("tests=\"" + testGroups().size() + "\" failures=\"0\" errors=\"0\"");
	}

	@Test
	void everyAlertOfTheChartHasAFiringAndANonFiringCase() {
		Map<String, Set<Boolean>> fires = new TreeMap<>();
		for (Map<String, Object> group : testGroups()) {
			for (Object evaluation : (List<?>) group.get("alert_rule_test")) {
				Map<?, ?> each = (Map<?, ?>) evaluation;
				fires.computeIfAbsent(String.valueOf(each.get("alertname")), name -> new TreeSet<>())
					.add(!((List<?>) each.get("exp_alerts")).isEmpty());
			}
		}
		for (String alert : MonitoringChart.render(Map.of()).alertExpressions().keySet()) {
			assertThat(fires.get(alert)).as("%s: evaluations expecting it to fire (true) and not to (false)", alert)
				.containsExactly(false, true);
		}
	}

	@Test
	void promtoolFailsTheTestsWhenAnExpectedAlertIsMissing(@TempDir Path work) throws Exception {
		String tests = Files.readString(TESTS);
		String broken = tests.replaceFirst("exp_alerts: \\[\\]", "exp_alerts:\n          - exp_labels: {severity: critical}");
		assertThat(broken).isNotEqualTo(tests);
		Result tested = testRules(work, broken, "test-rules-broken.txt");
		assertThat(tested.exit()).as(tested.output()).isNotZero();
		assertThat(tested.output()).contains("FAILED");
	}

	@Test
	void verificationAlertsAreLeftOutWhenVerificationIsOff() {
		assertThat(MonitoringChart.render(Map.of("verification.interval", "0")).alertExpressions()).doesNotContainKeys(
				"TwilioStoredCredentialRejected", "TwilioCredentialVerificationStale",
				"TwilioCredentialVerificationNotRunning")
			.containsKey("TwilioSidecarRegionBreakerOpen");
	}

	@Test
	void theStaleThresholdIsTwiceTheIntervalUnlessSet() {
		assertThat(MonitoringChart.render(Map.of("verification.interval", "90m")).alertExpressions()
			.get("TwilioCredentialVerificationStale")).endsWith("> 10800");
		assertThat(MonitoringChart.render(Map.of("prometheusRule.verificationStaleAfterSeconds", 3600))
			.alertExpressions()
			.get("TwilioCredentialVerificationStale")).endsWith("> 3600");
	}

	/** @return the test groups of alert-rules-tests.yaml */
	private static List<Map<String, Object>> testGroups() {
		try {
			Map<String, List<Map<String, Object>>> file = new Yaml().load(Files.readString(TESTS));
			return file.get("tests");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Runs {@code promtool test rules} on the default rules (verification every 6 h) with these tests.
	 * @param kept the file under target/promtool/ that keeps the command and its output
	 */
	private static Result testRules(Path work, String tests, String kept) throws Exception {
		Files.writeString(work.resolve("rules.yaml"), MonitoringChart.render(Map.of()).ruleFile());
		Path file = work.resolve("alert-rules-tests.yaml");
		Files.writeString(file, tests);
		Path junit = OUTPUT.resolve(kept.replace(".txt", ".junit.xml")).toAbsolutePath();
		return run(List.of(promtool.toString(), "test", "rules", "--junit=" + junit, file.toString()),
				OUTPUT.resolve(kept));
	}

	record Result(int exit, String output) {
	}

	private static Result run(List<String> command, Path keep) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
		if (keep != null) {
			Files.writeString(keep, "$ " + String.join(" ", command) + "\n" + output + "exit " + process.exitValue() + "\n");
		}
		return new Result(process.exitValue(), output);
	}

}
