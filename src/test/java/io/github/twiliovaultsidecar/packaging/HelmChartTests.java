package io.github.twiliovaultsidecar.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.util.FileSystemUtils;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart in {@code helm/twilio-vault-sidecar}, linted and rendered by Helm itself (embedded
 * through helm-java) for its defaults and every file in {@code examples/}, and read back as
 * Kubernetes objects. Ports and probe paths are checked against the service's own
 * {@code application.properties}, not against numbers repeated here.
 */
class HelmChartTests {

	private static final Path CHART = Paths.get("helm", "twilio-vault-sidecar");

	private static final Path EXAMPLES = CHART.resolve("examples");

	private static final String SIDECAR = "twilio-vault-sidecar";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** A bare 32-hex value: the shape of an Auth Token (Account and API key SIDs have a prefix). */
	private static final Pattern TOKEN_SHAPED = Pattern.compile("\\b[0-9a-fA-F]{32}\\b");

	private static int serverPort;

	private static String actuatorBasePath;

	@BeforeAll
	static void readServiceConfiguration() throws IOException {
		Properties properties = PropertiesLoaderUtils
			.loadProperties(new FileSystemResource("src/main/resources/application.properties"));
		serverPort = Integer.parseInt(properties.getProperty("server.port", "8080"));
		actuatorBasePath = properties.getProperty("management.endpoints.web.base-path", "/actuator");
		assertThat(properties.getProperty("management.server.port"))
			.as("probes go to server.port; a separate management port would need the chart to follow it")
			.isNull();
		assertThat(properties.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
	}

	static Stream<Path> exampleValues() throws IOException {
		try (Stream<Path> files = Files.list(EXAMPLES)) {
			List<Path> values = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
			assertThat(values).extracting(p -> p.getFileName().toString())
				.contains("shared.yaml", "sidecar.yaml", "injector.yaml");
			return values.stream();
		}
	}

	// --- lint -----------------------------------------------------------------------------------

	@Test
	void theChartLintsCleanWithItsDefaults() {
		assertLintsClean(CHART);
	}

	@ParameterizedTest
	@MethodSource("exampleValues")
	void theChartLintsCleanWithEachExample(Path example, @TempDir Path work) throws IOException {
		// helm-java's lint takes no values file: lint a copy whose values.yaml is the defaults with the
		// example coalesced over them, as `helm lint -f example.yaml` would.
		Path copy = work.resolve(SIDECAR);
		FileSystemUtils.copyRecursively(CHART, copy);
		Map<String, Object> values = coalesce(readYaml(CHART.resolve("values.yaml")), readYaml(example));
		Files.writeString(copy.resolve("values.yaml"), new Yaml().dump(values));
		assertLintsClean(copy);
	}

	@Test
	void lintFailsOnValuesTheSchemaRefuses(@TempDir Path work) throws IOException {
		Path copy = work.resolve(SIDECAR);
		FileSystemUtils.copyRecursively(CHART, copy);
		Map<String, Object> values = readYaml(CHART.resolve("values.yaml"));
		values.put("mode", "daemonset");
		Files.writeString(copy.resolve("values.yaml"), new Yaml().dump(values));
		LintResult result = new Helm(copy).lint().strict().call();
		assertThat(result.isFailed()).isTrue();
		assertThat(result.getMessages()).anyMatch(m -> m.contains("[ERROR]") && m.contains("mode"));
	}

	// --- shared mode ----------------------------------------------------------------------------

	@Test
	void sharedModeProbesAndPortsFollowTheServiceConfiguration() {
		RenderedChart chart = render(EXAMPLES.resolve("shared.yaml"));
		Deployment deployment = chart.one(Deployment.class);
		Container sidecar = RenderedChart.container(deployment, SIDECAR);

		assertThat(sidecar.getPorts()).singleElement().satisfies(port -> {
			assertThat(port.getName()).isEqualTo("sidecar-http");
			assertThat(port.getContainerPort()).isEqualTo(serverPort);
		});
		assertThat(RenderedChart.env(sidecar, "SERVER_PORT")).hasValue(Integer.toString(serverPort));
		assertThat(RenderedChart.env(sidecar, "SERVER_ADDRESS")).hasValue("0.0.0.0");
		assertThat(RenderedChart.env(sidecar, "SIDECAR_MODE")).hasValue("shared");
		assertProbe(sidecar, sidecar.getLivenessProbe().getHttpGet(), actuatorBasePath + "/health/liveness");
		assertProbe(sidecar, sidecar.getReadinessProbe().getHttpGet(), actuatorBasePath + "/health/readiness");
		assertProbe(sidecar, sidecar.getStartupProbe().getHttpGet(), actuatorBasePath + "/health/liveness");

		Service service = chart.one(Service.class);
		assertThat(service.getSpec().getPorts()).singleElement()
			.satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("sidecar-http"));
		assertThat(service.getSpec().getSelector())
			.isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

		assertThat(chart.kind("ServiceMonitor")).hasValueSatisfying(monitor -> assertThat(chart.yaml())
			.contains("path: " + actuatorBasePath + "/prometheus"));
	}

	@Test
	void sharedModePassesVaultAndCallerSettingsThrough() {
		RenderedChart chart = render(EXAMPLES.resolve("shared.yaml"));
		Deployment deployment = chart.one(Deployment.class);
		Container sidecar = RenderedChart.container(deployment, SIDECAR);
		assertThat(envValues(sidecar)).containsEntry("VAULT_ADDR", "https://vault.vault.svc:8200")
			.containsEntry("SIDECAR_VAULT_MOUNT", "twilio")
			.containsEntry("SIDECAR_VAULT_PREFIX", "")
			.containsEntry("SPRING_CLOUD_VAULT_AUTHENTICATION", "KUBERNETES")
			.containsEntry("SPRING_CLOUD_VAULT_KUBERNETES_ROLE", "twilio-signing-proxy")
			.containsEntry("SPRING_CLOUD_VAULT_KUBERNETES_KUBERNETES_PATH", "kubernetes")
			.containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI",
					"https://login.example.internal/.well-known/jwks.json")
			.containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", "https://login.example.internal/")
			.containsEntry("SIDECAR_SECURITY_AUDIENCE", "twilio-vault-sidecar");
		PodSpec pod = deployment.getSpec().getTemplate().getSpec();
		ServiceAccount account = chart.one(ServiceAccount.class);
		assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
		assertThat(pod.getAutomountServiceAccountToken()).isTrue();
	}

	@Test
	void sharedModeHasADisruptionBudgetAndTheOptionalAutoscaler() {
		RenderedChart chart = render(EXAMPLES.resolve("shared.yaml"));
		Deployment deployment = chart.one(Deployment.class);
		PodDisruptionBudget budget = chart.one(PodDisruptionBudget.class);
		assertThat(budget.getSpec().getSelector().getMatchLabels())
			.isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
		assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
		HorizontalPodAutoscaler autoscaler = chart.one(HorizontalPodAutoscaler.class);
		assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
		assertThat(deployment.getSpec().getReplicas()).as("the autoscaler owns the replica count").isNull();

		RenderedChart defaults = render(null);
		assertThat(defaults.all(HorizontalPodAutoscaler.class)).isEmpty();
		assertThat(defaults.kind("ServiceMonitor")).isEmpty();
		assertThat(defaults.one(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
	}

	@Test
	void theNetworkPolicyAllowsOnlyVaultTwilioOn443AndDns() {
		RenderedChart chart = render(EXAMPLES.resolve("shared.yaml"));
		int vaultPort = URI.create(RenderedChart.env(RenderedChart.container(chart.one(Deployment.class), SIDECAR),
				"VAULT_ADDR").orElseThrow()).getPort();
		NetworkPolicy policy = chart.one(NetworkPolicy.class);
		assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
		assertThat(policy.getSpec().getPodSelector().getMatchLabels())
			.isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
		assertThat(egressPorts(policy)).containsExactlyInAnyOrder(Set.of(vaultPort + "/TCP"), Set.of("443/TCP"),
				Set.of("53/UDP", "53/TCP"));
		assertThat(policy.getSpec().getEgress()).allSatisfy(rule -> assertThat(rule.getTo()).isNotEmpty());
		assertThat(policy.getSpec().getIngress()).singleElement()
			.satisfies(rule -> assertThat(rule.getPorts()).singleElement()
				.satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(serverPort)));
	}

	@Test
	void theVaultEgressPortFollowsTheVaultAddressOrItsOwnSetting() {
		assertThat(egressPorts(render(null, Map.of("vault.address", "https://vault.example.internal"))
			.one(NetworkPolicy.class))).containsExactlyInAnyOrder(Set.of("443/TCP"), Set.of("443/TCP"),
					Set.of("53/UDP", "53/TCP"));
		assertThat(egressPorts(render(null, Map.of("vault.address", "http://vault.vault.svc:8200"))
			.one(NetworkPolicy.class))).contains(Set.of("8200/TCP"));
		assertThat(egressPorts(render(null, Map.of("networkPolicy.vault.port", 8443)).one(NetworkPolicy.class)))
			.contains(Set.of("8443/TCP"));
	}

	// --- hardening ------------------------------------------------------------------------------

	@ParameterizedTest
	@MethodSource("exampleValues")
	void everyPodIsHardened(Path example) {
		for (Deployment deployment : render(example).all(Deployment.class)) {
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
			assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
			assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
			for (Container container : pod.getContainers()) {
				SecurityContext security = container.getSecurityContext();
				assertThat(security.getRunAsNonRoot()).as(container.getName()).isTrue();
				assertThat(security.getAllowPrivilegeEscalation()).as(container.getName()).isFalse();
				assertThat(security.getReadOnlyRootFilesystem()).as(container.getName()).isTrue();
				assertThat(security.getCapabilities().getDrop()).as(container.getName()).containsExactly("ALL");
				assertThat(security.getSeccompProfile().getType()).as(container.getName()).isEqualTo("RuntimeDefault");
			}
			pod.getContainers().stream().filter(c -> c.getName().equals(SIDECAR)).forEach(sidecar -> {
				assertThat(sidecar.getVolumeMounts()).filteredOn(mount -> !Boolean.TRUE.equals(mount.getReadOnly()))
					.singleElement()
					.satisfies(mount -> {
						assertThat(mount.getMountPath()).isEqualTo("/tmp");
						assertThat(pod.getVolumes()).anySatisfy(volume -> {
							assertThat(volume.getName()).isEqualTo(mount.getName());
							assertThat(volume.getEmptyDir()).isNotNull();
						});
					});
				// The only other mount: the projected Vault login token (VaultPodLoginIntegrationTests).
				assertThat(sidecar.getVolumeMounts()).filteredOn(mount -> Boolean.TRUE.equals(mount.getReadOnly()))
					.allSatisfy(mount -> assertThat(pod.getVolumes()).anySatisfy(volume -> {
						assertThat(volume.getName()).isEqualTo(mount.getName());
						assertThat(volume.getProjected().getSources()).singleElement()
							.satisfies(source -> assertThat(source.getServiceAccountToken()).isNotNull());
					}));
				assertThat(sidecar.getResources().getRequests()).containsKeys("cpu", "memory");
				assertThat(sidecar.getResources().getRequests().get("memory").getNumericalAmount())
					.isLessThanOrEqualTo(new java.math.BigDecimal(512L * 1024 * 1024));
				assertThat(sidecar.getResources().getLimits()).containsKey("memory");
			});
		}
	}

	@Test
	void theValuesSchemaRefusesAHardenedSettingTurnedOffAnUnknownModeAMissingAppImageAndAPortOutOfRange() {
		assertThatThrownBy(() -> render(null, Map.of("securityContext.readOnlyRootFilesystem", false)))
			.hasMessageContaining("readOnlyRootFilesystem");
		assertThatThrownBy(() -> render(null, Map.of("mode", "daemonset"))).hasMessageContaining("mode");
		assertThatThrownBy(() -> render(null, Map.of("mode", "local"))).hasMessageContaining("app.image");
		assertThatThrownBy(() -> render(null, Map.of("port", -1))).hasMessageContaining("port")
			.hasMessageContaining("greater than or equal to 1");
		assertThatThrownBy(() -> render(null, Map.of("service.port", 70000))).hasMessageContaining("service.port")
			.hasMessageContaining("less than or equal to 65535");
	}

	// --- local (sidecar) mode -------------------------------------------------------------------

	@Test
	void sidecarModeRunsTheAppWithASidecarOnLoopbackOnly() {
		RenderedChart chart = render(EXAMPLES.resolve("sidecar.yaml"));
		assertThat(chart.kinds()).containsExactly("Deployment", "ServiceAccount");
		Deployment deployment = chart.one(Deployment.class);
		Container app = RenderedChart.container(deployment, "orders");
		Container sidecar = RenderedChart.container(deployment, SIDECAR);
		assertThat(envValues(sidecar)).containsEntry("SERVER_ADDRESS", "127.0.0.1")
			.containsEntry("SIDECAR_MODE", "local")
			.containsEntry("SIDECAR_VAULT_MOUNT", "secret")
			.containsEntry("SIDECAR_VAULT_PREFIX", "twilio/")
			.containsEntry("SPRING_CLOUD_VAULT_KUBERNETES_ROLE", "orders-twilio-signing-proxy")
			.doesNotContainKey("SIDECAR_SECURITY_AUDIENCE");
		assertThat(RenderedChart.env(app, "TWILIO_SIDECAR_URL")).hasValue("http://127.0.0.1:" + serverPort);
		assertProbe(sidecar, sidecar.getLivenessProbe().getHttpGet(), actuatorBasePath + "/health/liveness");
		assertProbe(sidecar, sidecar.getReadinessProbe().getHttpGet(), actuatorBasePath + "/health/readiness");
	}

	@Test
	void anAppChartAddsTheSidecarContainerThroughTheNamedTemplate(@TempDir Path work) throws IOException {
		Path copy = work.resolve(SIDECAR);
		FileSystemUtils.copyRecursively(CHART, copy);
		Path appChart = copy.resolve("examples/app-chart");
		new Helm(appChart).dependency().build().call();
		assertLintsClean(appChart);

		RenderedChart chart = RenderedChart
			.parse(new Helm(appChart).template().withName("shop").withNamespace("orders").call());
		assertThat(chart.kinds()).as("the sidecar chart renders nothing of its own with deploy: false")
			.containsExactly("Deployment", "ServiceAccount");
		Deployment deployment = chart.one(Deployment.class);
		Container sidecar = RenderedChart.container(deployment, SIDECAR);
		assertThat(sidecar.getImage()).isEqualTo("registry.example.internal/platform/twilio-vault-sidecar:0.1.0");
		assertThat(envValues(sidecar)).containsEntry("SERVER_ADDRESS", "127.0.0.1")
			.containsEntry("SPRING_CLOUD_VAULT_KUBERNETES_ROLE", "orders-twilio-signing-proxy");
		assertProbe(sidecar, sidecar.getReadinessProbe().getHttpGet(), actuatorBasePath + "/health/readiness");
		assertThat(RenderedChart.env(RenderedChart.container(deployment, "orders"), "TWILIO_SIDECAR_URL"))
			.hasValue("http://127.0.0.1:" + serverPort);
		assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
			.anySatisfy(volume -> assertThat(volume.getEmptyDir()).isNotNull());
	}

	// --- Vault Agent Injector -------------------------------------------------------------------

	@Test
	void theInjectorExampleCarriesTheVaultAgentTemplateLiterally() throws IOException {
		Path example = EXAMPLES.resolve("injector.yaml");
		@SuppressWarnings("unchecked")
		Map<String, Object> secret = ((List<Map<String, Object>>) ((Map<String, Object>) readYaml(example)
			.get("vaultAgentInjector")).get("secrets")).get(0);
		String template = (String) secret.get("template");
		assertThat(template).contains("{{ .Data.data.auth_token }}").contains("{{- with secret \"twilio/data/AC");

		Deployment deployment = render(example).one(Deployment.class);
		Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
		assertThat(annotations).containsEntry("vault.hashicorp.com/agent-inject", "true")
			.containsEntry("vault.hashicorp.com/role", "legacy-sms-twilio-reader")
			.containsEntry("vault.hashicorp.com/agent-inject-secret-twilio-auth-token", secret.get("path").toString())
			.containsEntry("vault.hashicorp.com/agent-inject-template-twilio-auth-token", template)
			.containsEntry("vault.hashicorp.com/agent-pre-populate-only", "false");
		assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getName)
			.containsExactly("legacy-sms");
	}

	// --- verification, alerts and the dashboard ----------------------------------------------------

	@Test
	void alertsAndTheDashboardAreOffByDefaultAndVerificationSettingsReachTheContainer() {
		RenderedChart chart = render(null);
		assertThat(chart.kinds()).doesNotContain("PrometheusRule");
		assertThat(chart.all(ConfigMap.class)).noneMatch(map -> map.getMetadata().getLabels().containsKey("grafana_dashboard"));
		Map<String, String> env = envValues(RenderedChart.container(chart.one(Deployment.class), SIDECAR));
		assertThat(env).containsEntry("SIDECAR_VERIFICATION_INTERVAL", "6h")
			.containsEntry("SIDECAR_VERIFICATION_CONCURRENCY", "4")
			.containsEntry("SIDECAR_VERIFICATION_RATE_PER_REGION", "2");
		assertThat(envValues(RenderedChart.container(render(null, Map.of("verification.interval", "0"))
			.one(Deployment.class), SIDECAR))).containsEntry("SIDECAR_VERIFICATION_INTERVAL", "0");
	}

	@Test
	void switchedOnTheRulesCarryTheirLabelsAndTheDashboardTheGrafanaLabel() {
		RenderedChart chart = render(EXAMPLES.resolve("shared.yaml"));
		HasMetadata rule = chart.kind("PrometheusRule").orElseThrow();
		assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
		assertThat(rule.getMetadata().getLabels()).containsEntry("release", "prometheus");
		ConfigMap dashboard = chart.all(ConfigMap.class)
			.stream()
			.filter(map -> "1".equals(map.getMetadata().getLabels().get("grafana_dashboard")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no ConfigMap labelled grafana_dashboard: \"1\""));
		JsonNode json = JSON.readTree(dashboard.getData().get("twilio-vault-sidecar.json"));
		assertThat(json.path("uid").asString()).isEqualTo("twilio-vault-sidecar");
		assertThat(json.path("panels").size()).isGreaterThan(10);
	}

	@Test
	void theDashboardLabelKeyAndValueAreTheOperatorsToChoose() {
		ConfigMap dashboard = render(null, Map.of("grafanaDashboard.enabled", true,
				"grafanaDashboard.labels.grafana_dashboard", "null", "grafanaDashboard.labels.dashboards", "twilio"))
			.all(ConfigMap.class)
			.stream()
			.filter(map -> map.getData().containsKey("twilio-vault-sidecar.json"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no dashboard ConfigMap"));
		assertThat(dashboard.getMetadata().getLabels()).containsEntry("dashboards", "twilio")
			.doesNotContainKey("grafana_dashboard");
	}

	@Test
	void theValuesSchemaRefusesAVerificationIntervalSpringCouldNotReadAndAnErrorRatioAboveOne() {
		assertThatThrownBy(() -> render(null, Map.of("verification.interval", "6 hours")))
			.hasMessageContaining("verification.interval");
		assertThatThrownBy(() -> render(null, Map.of("verification.interval", "1.5h")))
			.hasMessageContaining("verification.interval");
		assertThatThrownBy(() -> render(null, Map.of("prometheusRule.errorRatio", 2)))
			.hasMessageContaining("errorRatio");
		assertThatThrownBy(() -> render(null, Map.of("prometheusRule.extraSelector", "job=twilio")))
			.hasMessageContaining("extraSelector");
	}

	@Test
	void theNotesNameTheVerifierPolicyWhileVerificationRunsAndTheMonitoringSwitchedOn() {
		String on = notes(EXAMPLES.resolve("shared.yaml"), Map.of());
		assertThat(on).contains("vault policy write twilio-credential-verifier vault-policies/twilio-credential-verifier.hcl")
			.contains("policies=twilio-signing-proxy,twilio-credential-verifier")
			.contains("Alerts: PrometheusRule")
			.contains("Dashboard: ConfigMap");
		String off = notes(EXAMPLES.resolve("shared.yaml"), Map.of("verification.interval", "0"));
		assertThat(off).doesNotContain("twilio-credential-verifier").contains("policies=twilio-signing-proxy ");
	}

	// --- what the installer is told next ---------------------------------------------------------

	@ParameterizedTest
	@MethodSource("exampleValues")
	void theNotesTellHowToSeedACredentialAndCheckTheInventory(Path example) {
		String output = new Helm(CHART).install()
			.withName("twilio-sidecar")
			.withNamespace("twilio")
			.clientOnly()
			.dryRun()
			.withValuesFile(example)
			.call()
			.getOutput();
		assertThat(output).contains("Seed a credential")
			.contains("vault kv put -mount=")
			.contains("auth_token=<regional auth token>")
			.contains("/admin/v1/credentials");
		assertThat(TOKEN_SHAPED.matcher(output).find()).isFalse();
	}

	// --- no secret in any manifest ----------------------------------------------------------------

	@ParameterizedTest
	@MethodSource("exampleValues")
	void noRenderedManifestHoldsAToken(Path example) {
		RenderedChart chart = render(example);
		Set<String> injectorTemplateLines = chart.all(Deployment.class)
			.stream()
			.map(d -> d.getSpec().getTemplate().getMetadata().getAnnotations())
			.filter(java.util.Objects::nonNull)
			.flatMap(annotations -> annotations.entrySet().stream())
			.filter(annotation -> annotation.getKey().startsWith("vault.hashicorp.com/agent-inject-template-"))
			.flatMap(annotation -> annotation.getValue().lines())
			.map(String::trim)
			.collect(Collectors.toSet());
		String withoutInjectorTemplates = chart.yaml()
			.lines()
			.filter(line -> !injectorTemplateLines.contains(line.trim()))
			.collect(Collectors.joining("\n"));
		assertThat(TOKEN_SHAPED.matcher(chart.yaml()).results().map(java.util.regex.MatchResult::group).toList()).isEmpty();
		assertThat(withoutInjectorTemplates).doesNotContain("auth_token").doesNotContain("api_key_secret");
		for (Deployment deployment : chart.all(Deployment.class)) {
			for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
				assertThat(container.getEnv()).filteredOn(env -> env.getName().matches(".*(TOKEN|SECRET).*"))
					.allSatisfy(env -> assertThat(env.getValue())
						.as("%s must come from a Secret or name a file, not hold a value", env.getName())
						.satisfiesAnyOf(value -> assertThat(value).isNull(),
								value -> assertThat(value).startsWith("/vault/secrets/"),
								value -> assertThat(value).startsWith("/var/run/secrets/vault/")));
			}
		}
	}

	@Test
	void tokenAuthReadsTheTokenFromASecretAndALiteralTokenInValuesIsRefused() {
		String canary = TestSids.authToken();
		RenderedChart chart = render(null, Map.of("vault.auth.method", "token", "vault.auth.token.existingSecret",
				"twilio-sidecar-vault-token"));
		EnvVar token = RenderedChart.container(chart.one(Deployment.class), SIDECAR)
			.getEnv()
			.stream()
			.filter(env -> env.getName().equals("VAULT_TOKEN"))
			.findFirst()
			.orElseThrow();
		assertThat(token.getValue()).isNull();
		assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("twilio-sidecar-vault-token");
		assertThat(TOKEN_SHAPED.matcher(chart.yaml()).find()).isFalse();

		for (String key : List.of("vault.token", "vault.auth.token.value", "vault.auth.approle.secretId")) {
			assertThatThrownBy(() -> render(null, Map.of(key, canary))).as(key)
				.hasMessageContaining("Additional property")
				.satisfies(ex -> assertThat(String.valueOf(ex.getMessage())).doesNotContain(canary));
		}
	}

	// --- helpers --------------------------------------------------------------------------------

	private static RenderedChart render(Path valuesFile) {
		return render(valuesFile, Map.of());
	}

	private static RenderedChart render(Path valuesFile, Map<String, Object> sets) {
		TemplateCommand template = new Helm(CHART).template().withName("tvs").withNamespace("twilio");
		if (valuesFile != null) {
			template = template.withValuesFile(valuesFile);
		}
		for (Map.Entry<String, Object> set : sets.entrySet()) {
			template = template.set(set.getKey(), set.getValue());
		}
		return RenderedChart.parse(template.call());
	}

	private static String notes(Path valuesFile, Map<String, Object> sets) {
		InstallCommand install = new Helm(CHART).install()
			.withName("twilio-sidecar")
			.withNamespace("twilio")
			.clientOnly()
			.dryRun()
			.withValuesFile(valuesFile);
		for (Map.Entry<String, Object> set : sets.entrySet()) {
			install = install.set(set.getKey(), set.getValue());
		}
		return install.call().getOutput();
	}

	private static void assertLintsClean(Path chart) {
		LintResult result = new Helm(chart).lint().strict().call();
		assertThat(result.getMessages()).as("helm lint --strict %s", chart)
			.noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
		assertThat(result.isFailed()).as("helm lint --strict %s: %s", chart, result.getMessages()).isFalse();
	}

	private static void assertProbe(Container container, HTTPGetAction probe, String path) {
		assertThat(probe.getPath()).isEqualTo(path);
		int port = (probe.getPort().getIntVal() != null) ? probe.getPort().getIntVal()
				: container.getPorts()
					.stream()
					.filter(p -> p.getName().equals(probe.getPort().getStrVal()))
					.findFirst()
					.orElseThrow(() -> new AssertionError("probe names an unknown port " + probe.getPort()))
					.getContainerPort();
		assertThat(port).as("probe port for %s", path).isEqualTo(serverPort);
	}

	private static Map<String, String> envValues(Container container) {
		Map<String, String> values = new LinkedHashMap<>();
		container.getEnv().forEach(env -> values.put(env.getName(), env.getValue()));
		return values;
	}

	private static List<Set<String>> egressPorts(NetworkPolicy policy) {
		return policy.getSpec()
			.getEgress()
			.stream()
			.map(NetworkPolicyEgressRule::getPorts)
			.map(ports -> ports.stream()
				.map(p -> p.getPort().getIntVal() + "/" + p.getProtocol())
				.collect(Collectors.toSet()))
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> readYaml(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			Map<String, Object> map = new Yaml().load(in);
			return (map != null) ? map : new LinkedHashMap<>();
		}
	}

	/** Helm's rule: maps merge key by key, anything else in {@code override} replaces the default. */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> coalesce(Map<String, Object> defaults, Map<String, Object> override) {
		Map<String, Object> merged = new LinkedHashMap<>(defaults);
		override.forEach((key, value) -> {
			if (value instanceof Map<?, ?> map && merged.get(key) instanceof Map<?, ?> base) {
				merged.put(key, coalesce((Map<String, Object>) base, (Map<String, Object>) map));
			}
			else {
				merged.put(key, value);
			}
		});
		return merged;
	}

}
