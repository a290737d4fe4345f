package io.github.twiliovaultsidecar.packaging;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import io.github.twiliovaultsidecar.support.LocalJwks;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TokenReviewStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Vault Agent Injector example (examples/injector.yaml), run for real: the annotations the chart
 * renders are turned into the Vault Agent configuration the injector would write for them (as
 * vault-k8s does: role, auth path, one template per {@code agent-inject-secret-*} with its
 * {@code agent-inject-template-*} and {@code error-on-missing-key-*}, the static secret render
 * interval), and the same Vault binary the tests use runs {@code vault agent} with it against the
 * test's Vault. The agent logs in through Vault's Kubernetes auth method (TokenReview stand-in) with
 * the role docs/kubernetes.md tells operators to create, bound to the reader policy rendered from
 * vault-policies/twilio-account-reader.hcl.tmpl.
 * <p>
 * The example's account SID is swapped for a random one in the template and the policy (the shared
 * Vault must not hold a fixed path other tests could use); the template is otherwise the rendered one.
 */
@RealVault
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaultAgentInjectorIntegrationTests {

	private static final Path CHART = Paths.get("helm", "twilio-vault-sidecar");

	/** The release and namespace of the example's install command. */
	private static final String RELEASE = "legacy-sms";

	private static final String NAMESPACE = "legacy";

	private static final String SERVICE_ACCOUNT = "legacy-sms-twilio-vault-sidecar";

	/** The operator's Vault set-up for the example (docs/kubernetes.md). */
	private static final String READER_ROLE = "legacy-sms-twilio-reader";

	private static final String EXAMPLE_ACCOUNT = "AC0123456789abcdef0123456789abcdef";

	private static final String ANNOTATION = "vault.hashicorp.com/";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private VaultServer vault;

	private LocalJwks jwks;

	private TokenReviewStandIn tokenReview;

	private String mount;

	private final List<Process> agents = new ArrayList<>();

	@BeforeAll
	void start(VaultServer vault) {
		this.vault = vault;
		this.jwks = LocalJwks.start();
		this.tokenReview = TokenReviewStandIn.start(this.jwks);
		vault.enableKv2("twilio");
		this.mount = "kubernetes-" + TestSids.hex(8);
		vault.rootTemplate().write("sys/auth/" + this.mount, Map.of("type", "kubernetes"));
		vault.rootTemplate()
			.write("auth/" + this.mount + "/config", Map.of("kubernetes_host", this.tokenReview.host(),
					"disable_local_ca_jwt", true, "token_reviewer_jwt", this.tokenReview.reviewerJwt()));
	}

	@AfterAll
	void stop() throws Exception {
		for (Process agent : this.agents) {
			agent.destroy();
			if (!agent.waitFor(10, TimeUnit.SECONDS)) {
				agent.destroyForcibly();
			}
		}
		this.tokenReview.close();
		this.jwks.close();
	}

	@Test
	void theAgentWritesExactlyTheStoredTokenAndRendersItAgainAfterARotation(@TempDir Path pod) throws Exception {
		String account = TestSids.accountSid();
		allowReader(account);
		String first = TestSids.authToken();
		write(account, Map.of("auth_token", first, "edge", "dublin"));

		Path file = startAgent(pod, account).resolve("twilio-auth-token");
		awaitContent(file, first);
		assertThat(Files.readString(file)).as("exactly the token: no newline, no other key").isEqualTo(first);

		String second = TestSids.authToken();
		write(account, Map.of("auth_token", second, "edge", "dublin"));
		awaitContent(file, second);
		assertThat(this.tokenReview.reviews()).anySatisfy(review -> assertThat(review.authenticated()).isTrue());
	}

	@Test
	void anApiKeyEntryStopsTheAgentWithAMissingKeyErrorAndWritesNoFile(@TempDir Path pod) throws Exception {
		String account = TestSids.accountSid();
		allowReader(account);
		write(account, Map.of("api_key_sid", TestSids.apiKeySid(), "api_key_secret", TestSids.hex(32)));

		Path secrets = startAgent(pod, account);
		Process agent = this.agents.get(this.agents.size() - 1);
		assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("the agent stops").isTrue();
		assertThat(agent.exitValue()).isNotZero();
		assertThat(Files.readString(pod.resolve("agent.log"))).contains("auth_token");
		assertThat(secrets.resolve("twilio-auth-token")).doesNotExist();
	}

	/** The operator's set-up: the reader policy for one account, and the role bound to the pod's account. */
	private void allowReader(String account) throws Exception {
		Path rendered = Files.createTempDirectory("reader-policy");
		Process render = new ProcessBuilder("bash", "vault-policies/render.sh", rendered.toString(), "twilio", "",
				account)
			.redirectErrorStream(true)
			.start();
		render.getInputStream().transferTo(System.out);
		assertThat(render.waitFor()).isZero();
		String policy = "twilio-account-reader-" + account;
		this.vault.rootTemplate()
			.write("sys/policies/acl/" + policy,
					Map.of("policy", Files.readString(rendered.resolve(policy + ".hcl"))));
		this.vault.rootTemplate()
			.write("auth/" + this.mount + "/role/" + READER_ROLE,
					Map.of("bound_service_account_names", SERVICE_ACCOUNT, "bound_service_account_namespaces",
							NAMESPACE, "audience", TokenReviewStandIn.API_AUDIENCE, "token_policies", policy,
							"token_ttl", "1m"));
	}

	/**
	 * Renders the example, writes the agent configuration the injector would, and starts the agent.
	 * @return the directory standing in for /vault/secrets
	 */
	private Path startAgent(Path pod, String account) throws Exception {
		Map<String, String> annotations = renderAnnotations();
		assertThat(annotations).containsEntry(ANNOTATION + "agent-inject", "true");
		String role = annotations.get(ANNOTATION + "role");
		String authPath = annotations.getOrDefault(ANNOTATION + "auth-path", "auth/kubernetes");
		assertThat(role).isEqualTo(READER_ROLE);

		Path secrets = Files.createDirectories(pod.resolve("vault-secrets"));
		List<Map<String, Object>> templates = new ArrayList<>();
		for (Map.Entry<String, String> annotation : annotations.entrySet()) {
			if (!annotation.getKey().startsWith(ANNOTATION + "agent-inject-secret-")) {
				continue;
			}
			String name = annotation.getKey().substring((ANNOTATION + "agent-inject-secret-").length());
			String template = annotations.get(ANNOTATION + "agent-inject-template-" + name);
			assertThat(template).as("the example gives %s a template", name).isNotNull();
			assertThat(template).as("the template reads the secret the annotation names")
				.contains("\"" + annotation.getValue() + "\"");
			assertThat(template).contains(EXAMPLE_ACCOUNT);
			Map<String, Object> stanza = new LinkedHashMap<>();
			stanza.put("destination", secrets.resolve(name).toString());
			stanza.put("contents", template.replace(EXAMPLE_ACCOUNT, account));
			stanza.put("left_delimiter", "{{");
			stanza.put("right_delimiter", "}}");
			stanza.put("error_on_missing_key",
					Boolean.parseBoolean(annotations.getOrDefault(ANNOTATION + "error-on-missing-key-" + name, "false")));
			templates.add(stanza);
		}
		assertThat(templates).isNotEmpty();

		Path jwt = pod.resolve("serviceaccount-token");
		Files.writeString(jwt, this.jwks.serviceAccountToken(NAMESPACE, SERVICE_ACCOUNT, UUID.randomUUID().toString(),
				TokenReviewStandIn.API_AUDIENCE));
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("pid_file", pod.resolve("agent.pid").toString());
		config.put("exit_after_auth", false);
		config.put("vault", Map.of("address", this.vault.address()));
		config.put("auto_auth", Map.of("method", Map.of("type", "kubernetes", "mount_path", authPath, "config",
				Map.of("role", role, "token_path", jwt.toString())), "sink",
				List.of(Map.of("type", "file", "config", Map.of("path", pod.resolve("vault-token").toString())))));
		config.put("template_config", Map.of("exit_on_retry_failure",
				Boolean.parseBoolean(
						annotations.getOrDefault(ANNOTATION + "template-config-exit-on-retry-failure", "true")),
				"static_secret_render_interval",
				annotations.getOrDefault(ANNOTATION + "template-static-secret-render-interval", "5m")));
		config.put("template", templates);
		Path configFile = pod.resolve("agent-config.json");
		Files.writeString(configFile, JSON.writeValueAsString(config));

		Path binary = VaultBinary.path();
		ProcessBuilder builder = new ProcessBuilder(binary.toString(), "agent", "-config=" + configFile)
			.redirectErrorStream(true)
			.redirectOutput(pod.resolve("agent.log").toFile());
		builder.environment().remove("VAULT_ADDR");
		builder.environment().remove("VAULT_TOKEN");
		builder.environment().put("HOME", pod.toString());
		this.agents.add(builder.start());
		return secrets;
	}

	/** @return the pod annotations the chart renders for the example, with this test's auth mount and interval */
	private Map<String, String> renderAnnotations() {
		Deployment deployment = RenderedChart.parse(new Helm(CHART).template()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.withValuesFile(CHART.resolve("examples/injector.yaml"))
			.set("vaultAgentInjector.extraAnnotations.vault\\.hashicorp\\.com/auth-path", "auth/" + this.mount)
			.set("vaultAgentInjector.extraAnnotations.vault\\.hashicorp\\.com/template-static-secret-render-interval",
					"1s")
			.call()).one(Deployment.class);
		assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(SERVICE_ACCOUNT);
		return deployment.getSpec().getTemplate().getMetadata().getAnnotations();
	}

	private void write(String account, Map<String, String> data) throws Exception {
		HttpResponse<String> response = this.vault.http("POST", "twilio/data/" + account + "/ie1",
				JSON.writeValueAsString(Map.of("data", data)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	private void awaitContent(Path file, String expected) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!(Files.exists(file) && Files.readString(file).equals(expected))) {
			if (System.nanoTime() > deadline) {
				Path log = file.getParent().getParent().resolve("agent.log");
				throw new AssertionError("the agent did not write the expected token to " + file + " within 30 s; it holds "
						+ (Files.exists(file) ? Files.readString(file).length() + " characters" : "nothing") + "\n"
						+ (Files.exists(log) ? Files.readString(log) : ""));
			}
			Thread.sleep(200);
		}
	}

	/** The Vault binary the run's Vault server uses ({@code make vault} builds it). */
	static final class VaultBinary {

		static Path path() throws IOException {
			String cache = System.getenv().getOrDefault("SIDECAR_TOOL_CACHE",
					System.getProperty("user.home") + "/.cache/twilio-vault-sidecar");
			Path binary = Paths.get(cache, "vault-" + VaultServer.PINNED_VERSION, "vault");
			assertThat(binary).as("run 'make vault' to build the Vault binary the agent runs from").isExecutable();
			return binary;
		}

	}

}
