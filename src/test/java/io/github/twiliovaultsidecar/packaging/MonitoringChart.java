package io.github.twiliovaultsidecar.packaging;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart rendered with its alerting rules and its Grafana dashboard switched on (release
 * {@code tvs} in namespace {@code twilio}): the rules as a Prometheus rule file, and the PromQL of
 * every rule and dashboard panel.
 */
record MonitoringChart(RenderedChart chart, Map<String, Object> ruleSpec, JsonNode dashboard) {

	static final Path CHART = Paths.get("helm", "twilio-vault-sidecar");

	/** Names of the series a PromQL expression reads: the service's own and Resilience4j's meters. */
	private static final Pattern METRIC = Pattern.compile("\\b((?:sidecar|resilience4j)_[a-z0-9_]+)\\b");

	private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** @param sets {@code --set} values over the defaults (which switch both on) */
	static MonitoringChart render(Map<String, Object> sets) {
		TemplateCommand template = new Helm(CHART).template()
			.withName("tvs")
			.withNamespace("twilio")
			.set("prometheusRule.enabled", true)
			.set("grafanaDashboard.enabled", true);
		for (Map.Entry<String, Object> set : sets.entrySet()) {
			template = template.set(set.getKey(), set.getValue());
		}
		RenderedChart chart = RenderedChart.parse(template.call());
		HasMetadata rule = chart.kind("PrometheusRule").orElseThrow(() -> new AssertionError("no PrometheusRule"));
		@SuppressWarnings("unchecked")
		Map<String, Object> spec = (Map<String, Object>) ((GenericKubernetesResource) rule).getAdditionalProperties()
			.get("spec");
		ConfigMap dashboards = chart.all(ConfigMap.class)
			.stream()
			.filter(map -> map.getData() != null && map.getData().containsKey("twilio-vault-sidecar.json"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no dashboard ConfigMap"));
		return new MonitoringChart(chart, spec, JSON.readTree(dashboards.getData().get("twilio-vault-sidecar.json")));
	}

	/** @return the rules as a Prometheus rule file ({@code groups:}), what the operator loads */
	String ruleFile() {
		return SERIALIZATION.asYaml(this.ruleSpec);
	}

	/** @return alert name → PromQL expression */
	Map<String, String> alertExpressions() {
		Map<String, String> expressions = new LinkedHashMap<>();
		for (Object group : (List<?>) this.ruleSpec.get("groups")) {
			for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
				Map<?, ?> each = (Map<?, ?>) rule;
				expressions.merge(String.valueOf(each.get("alert")), String.valueOf(each.get("expr")),
						(a, b) -> a + "\n" + b);
			}
		}
		return expressions;
	}

	/** @return the PromQL of every dashboard panel target, with Grafana's variables in it */
	List<String> panelExpressions() {
		List<String> expressions = new ArrayList<>();
		this.dashboard.path("panels").forEach(panel -> panel.path("targets")
			.forEach(target -> expressions.add(target.path("expr").asString())));
		return expressions;
	}

	/** @return the queries of the dashboard's query variables ({@code label_values(…)}) */
	List<String> variableQueries() {
		List<String> queries = new ArrayList<>();
		this.dashboard.path("templating").path("list").forEach(variable -> {
			if ("query".equals(variable.path("type").asString())) {
				queries.add(variable.path("query").path("query").asString());
			}
		});
		return queries;
	}

	/**
	 * @return the panels' PromQL as recording rules of a Prometheus rule file, Grafana's variables
	 * replaced by values of their kind, so that {@code promtool check rules} parses every query
	 */
	String panelRuleFile() {
		List<Map<String, String>> rules = new ArrayList<>();
		List<String> expressions = panelExpressions();
		for (int i = 0; i < expressions.size(); i++) {
			String expression = expressions.get(i)
				.replace("$__rate_interval", "5m")
				.replace("$namespace", "twilio");
			rules.add(Map.of("record", "dashboard:panel_" + i, "expr", expression));
		}
		return SERIALIZATION.asYaml(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))));
	}

	/** @return the series names the expressions read */
	static Set<String> metrics(Iterable<String> expressions) {
		Set<String> names = new TreeSet<>();
		for (String expression : expressions) {
			Matcher matcher = METRIC.matcher(expression);
			while (matcher.find()) {
				names.add(matcher.group(1));
			}
		}
		return names;
	}

}
