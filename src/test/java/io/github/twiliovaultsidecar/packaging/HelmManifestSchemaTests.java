package io.github.twiliovaultsidecar.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every manifest the chart renders (its defaults and each file in examples/) checked against the
 * Kubernetes API's own JSON schemas of the three newest minor releases, offline and strictly (an
 * unknown field fails), with {@code kubernetes-validate} from tools/kubernetes-validate (installed into
 * the tool cache by {@code make test}, or here on first use). Custom resources (the Prometheus
 * Operator's ServiceMonitor and PrometheusRule) have no schema there and are the only resources allowed
 * to go unchecked.
 * Also: values.schema.json refuses bad values with a message naming the value.
 */
class HelmManifestSchemaTests {

	private static final Path CHART = Paths.get("helm", "twilio-vault-sidecar");

	/** Kinds that are not part of the Kubernetes API, so kubernetes-validate has no schema for them. */
	private static final List<String> CUSTOM_KINDS = List.of("ServiceMonitor", "PrometheusRule");

	private static Path validator;

	private static List<String> versions;

	@BeforeAll
	static void installValidator() throws Exception {
		Result ensure = run(List.of("bash", "tools/kubernetes-validate/ensure.sh"));
		assertThat(ensure.exit()).as("tools/kubernetes-validate/ensure.sh: %s", ensure.output()).isZero();
		List<String> lines = ensure.output().lines().toList();
		validator = Paths.get(lines.get(lines.size() - 1).trim());
		Result listed = run(List.of(validator.resolveSibling("python").toString(), "-c",
				"from kubernetes_validate.utils import all_versions\n"
						+ "minors = sorted({tuple(int(p) for p in v.split('.')[:2]) for v in all_versions()})\n"
						+ "print(' '.join('%d.%d.0' % m for m in minors[-3:]))"));
		assertThat(listed.exit()).as(listed.output()).isZero();
		versions = List.of(listed.output().trim().split(" "));
		assertThat(versions).hasSize(3);
		System.out.println("[chart-schemas] validating against Kubernetes " + versions);
	}

	static Stream<String> valuesFiles() throws IOException {
		List<String> files = new ArrayList<>();
		files.add("defaults");
		try (Stream<Path> examples = Files.list(CHART.resolve("examples"))) {
			examples.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> files.add(f.getFileName().toString()));
		}
		assertThat(files).contains("shared.yaml", "sidecar.yaml", "injector.yaml");
		return files.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("valuesFiles")
	void everyRenderedManifestIsValidForTheThreeNewestKubernetesReleases(String values, @TempDir Path work)
			throws Exception {
		TemplateCommand template = new Helm(CHART).template().withName("tvs").withNamespace("twilio");
		if (!values.equals("defaults")) {
			template = template.withValuesFile(CHART.resolve("examples").resolve(values));
		}
		RenderedChart chart = RenderedChart.parse(template.call());
		Path manifest = work.resolve("manifest.yaml");
		Files.writeString(manifest, chart.yaml());
		long checked = chart.kinds().stream().filter(kind -> !CUSTOM_KINDS.contains(kind)).count();
		assertThat(checked).isPositive();
		for (String version : versions) {
			Result result = validate(manifest, version);
			assertThat(result.exit()).as("kubernetes-validate -k %s for %s:\n%s", version, values, result.output())
				.isZero();
			assertThat(result.output().lines().filter(l -> l.contains(" passed for resource ")).count())
				.as("every resource of a Kubernetes kind passed (%s, %s):\n%s", values, version, result.output())
				.isEqualTo(checked);
			assertThat(result.output().lines().filter(l -> l.startsWith("WARN")))
				.as("only custom resources have no schema")
				.allSatisfy(line -> assertThat(CUSTOM_KINDS).anySatisfy(kind -> assertThat(line).contains(kind)));
		}
	}

	@Test
	void theValidatorRefusesAManifestWithAFieldKubernetesDoesNotKnow(@TempDir Path work) throws Exception {
		String yaml = new Helm(CHART).template().withName("tvs").withNamespace("twilio").call();
		assertThat(yaml).contains("readOnlyRootFilesystem: true");
		Path manifest = work.resolve("manifest.yaml");
		Files.writeString(manifest, yaml.replaceFirst("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true"));
		Result result = validate(manifest, versions.get(versions.size() - 1));
		assertThat(result.exit()).as(result.output()).isNotZero();
		assertThat(result.output()).contains("readOnlyRootFileSystem");
	}

	// --- values.schema.json -------------------------------------------------------------------------

	@Test
	void theValuesSchemaRefusesAnUnknownModeNamingTheAllowedOnes() {
		assertThatThrownBy(() -> render(Map.of("mode", "daemonset"))).hasMessageContaining("mode")
			.hasMessageContaining("shared")
			.hasMessageContaining("local");
	}

	@Test
	void theValuesSchemaRefusesLocalModeWithoutAnAppImage() {
		assertThatThrownBy(() -> render(Map.of("mode", "local"))).hasMessageContaining("values don't meet the specifications of the schema")
			.hasMessageContaining("app");
		assertThatThrownBy(() -> render(Map.of("mode", "local", "app.image", ""))).hasMessageContaining("app")
			.hasMessageContaining("image");
		assertThat(render(Map.of("mode", "local", "app.image", "registry.example.internal/shop/orders:2.4.1")))
			.contains("registry.example.internal/shop/orders:2.4.1");
	}

	@Test
	void theValuesSchemaRefusesANegativePort() {
		assertThatThrownBy(() -> render(Map.of("port", -1))).hasMessageContaining("port");
		assertThatThrownBy(() -> render(Map.of("service.port", -8080))).hasMessageContaining("port");
		assertThatThrownBy(() -> render(Map.of("networkPolicy.vault.port", -1))).hasMessageContaining("port");
	}

	@Test
	void theValuesSchemaRefusesAnUnknownAuthMethodAndAShortLivedVaultToken() {
		assertThatThrownBy(() -> render(Map.of("vault.auth.method", "userpass"))).hasMessageContaining("method");
		assertThatThrownBy(() -> render(Map.of("vault.auth.tokenExpirationSeconds", 60)))
			.hasMessageContaining("tokenExpirationSeconds");
	}

	private static String render(Map<String, Object> sets) {
		TemplateCommand template = new Helm(CHART).template().withName("tvs").withNamespace("twilio");
		for (Map.Entry<String, Object> set : sets.entrySet()) {
			template = template.set(set.getKey(), set.getValue());
		}
		return template.call();
	}

	// --- the validator ---------------------------------------------------------------------------------

	private static Result validate(Path manifest, String version) throws Exception {
		return run(List.of(validator.toString(), "--strict", "-k", version, manifest.toString()));
	}

	record Result(int exit, String output) {
	}

	private static Result run(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
		return new Result(process.exitValue(), output);
	}

}
