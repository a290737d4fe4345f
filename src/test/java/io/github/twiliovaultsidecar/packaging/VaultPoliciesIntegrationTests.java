package io.github.twiliovaultsidecar.packaging;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.vault.support.VaultResponse;
import org.springframework.vault.support.VaultTokenRequest;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStoreException;
import io.github.twiliovaultsidecar.store.StoredPath;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.VaultLease;
import io.github.twiliovaultsidecar.store.VerificationMarks;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The files in {@code vault-policies/} loaded as they are into a real Vault, and exercised with a
 * token per policy (created without the default policy, so each token has exactly its file). The
 * matrix below is the same table as in vault-policies/README.md.
 */
@RealVault
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaultPoliciesIntegrationTests {

	private static final Path POLICIES = Paths.get("vault-policies");

	private static final String MOUNT = "twilio";

	/** The verification lease entry under the default layout and lease name. */
	private static final String LEASE = "sidecar-verification-lease";

	/** An account with credentials in ie1 and us1; the per-account reader is rendered for it. */
	private final String account = TestSids.accountSid();

	/** Another account with a credential in ie1. */
	private final String other = TestSids.accountSid();

	private final Map<String, String> tokens = new HashMap<>();

	private VaultServer vault;

	@BeforeAll
	void loadPoliciesAndSeed(VaultServer vault, @TempDir Path rendered) throws Exception {
		this.vault = vault;
		vault.enableKv2(MOUNT);
		for (String name : List.of("twilio-signing-proxy", "twilio-seeder", "twilio-auditor",
				"twilio-credential-verifier")) {
			loadPolicy(name, Files.readString(POLICIES.resolve(name + ".hcl")));
			this.tokens.put(name, createToken(name, name + "-test"));
		}
		render(rendered, MOUNT, "", this.account);
		String reader = "twilio-account-reader-" + this.account;
		loadPolicy(reader, Files.readString(rendered.resolve(reader + ".hcl")));
		this.tokens.put("twilio-account-reader", createToken(reader, "legacy-sms"));

		rootWrite(this.account + "/ie1");
		rootWrite(this.account + "/us1");
		rootWrite(this.other + "/ie1");
		rootWrite(LEASE);
	}

	@ParameterizedTest(name = "{0} {1} {2} -> {3}")
	@CsvSource(delimiter = '|', textBlock = """
			# policy               | operation       | path                                  | expected
			twilio-signing-proxy   | read            | twilio/data/{account}/ie1             | allowed
			twilio-signing-proxy   | read            | twilio/data/{other}/ie1               | allowed
			twilio-signing-proxy   | read            | twilio/metadata/{account}/ie1         | allowed
			twilio-signing-proxy   | list            | twilio/metadata/                      | allowed
			twilio-signing-proxy   | list            | twilio/metadata/{account}/            | allowed
			twilio-signing-proxy   | write           | twilio/data/{account}/ie1             | denied
			twilio-signing-proxy   | write-new       | twilio/data/{fresh}/ie1               | denied
			twilio-signing-proxy   | write-metadata  | twilio/metadata/{account}/ie1         | denied
			twilio-signing-proxy   | delete          | twilio/data/{account}/ie1             | denied
			twilio-signing-proxy   | read            | twilio/config                         | denied
			twilio-signing-proxy   | write-cas       | twilio/data/sidecar-verification-lease | denied
			twilio-signing-proxy   | patch-metadata  | twilio/metadata/{account}/ie1         | denied
			twilio-seeder          | write-new       | twilio/data/{fresh}/ie1               | allowed
			twilio-seeder          | write-cas       | twilio/data/{account}/us1             | allowed
			twilio-seeder          | write           | twilio/data/{account}/us1             | allowed
			twilio-seeder          | write-metadata  | twilio/metadata/{account}/us1         | allowed
			twilio-seeder          | list            | twilio/metadata/                      | allowed
			twilio-seeder          | list            | twilio/metadata/{account}/            | allowed
			twilio-seeder          | read            | twilio/metadata/{account}/ie1         | allowed
			twilio-seeder          | read            | auth/token/lookup-self                | allowed
			twilio-seeder          | read            | twilio/data/{account}/ie1             | denied
			twilio-seeder          | delete          | twilio/data/{account}/ie1             | denied
			twilio-seeder          | destroy         | twilio/destroy/{account}/ie1          | denied
			twilio-seeder          | delete          | twilio/metadata/{account}/ie1         | denied
			twilio-auditor         | list            | twilio/metadata/                      | allowed
			twilio-auditor         | list            | twilio/metadata/{account}/            | allowed
			twilio-auditor         | read            | twilio/metadata/{account}/ie1         | allowed
			twilio-auditor         | read            | twilio/data/{account}/ie1             | denied
			twilio-auditor         | write           | twilio/data/{account}/ie1             | denied
			twilio-auditor         | write-metadata  | twilio/metadata/{account}/ie1         | denied
			twilio-credential-verifier | read        | twilio/data/sidecar-verification-lease | allowed
			twilio-credential-verifier | write-cas   | twilio/data/sidecar-verification-lease | allowed
			twilio-credential-verifier | patch-metadata | twilio/metadata/{account}/ie1      | allowed
			twilio-credential-verifier | patch-settings | twilio/metadata/{account}/ie1      | denied
			twilio-credential-verifier | write-metadata | twilio/metadata/{account}/ie1      | denied
			twilio-credential-verifier | delete      | twilio/data/sidecar-verification-lease | denied
			twilio-credential-verifier | read        | twilio/data/{account}/ie1             | denied
			twilio-credential-verifier | write       | twilio/data/{account}/ie1             | denied
			twilio-credential-verifier | list        | twilio/metadata/                      | denied
			twilio-account-reader  | read            | twilio/data/{account}/ie1             | allowed
			twilio-account-reader  | read            | twilio/data/{account}/us1             | allowed
			twilio-account-reader  | read            | twilio/data/{other}/ie1               | denied
			twilio-account-reader  | read            | twilio/metadata/{account}/ie1         | denied
			twilio-account-reader  | list            | twilio/metadata/{account}/            | denied
			twilio-account-reader  | write           | twilio/data/{account}/ie1             | denied
			""")
	void eachPolicyAllowsExactlyWhatItsRowSays(String policy, String operation, String pathTemplate, String expected) {
		String path = pathTemplate.replace("{account}", this.account)
			.replace("{other}", this.other)
			.replace("{fresh}", TestSids.accountSid());
		int status = perform(this.tokens.get(policy), operation, path);
		if (expected.equals("allowed")) {
			assertThat(status).as("%s %s %s", policy, operation, path).isBetween(200, 299);
		}
		else {
			assertThat(status).as("%s %s %s", policy, operation, path).isEqualTo(403);
		}
	}

	@Test
	void theSigningProxyTokenServesTheStoreItsReadsListsAndVersionChecks() {
		CredentialStore store = store(this.tokens.get("twilio-signing-proxy"), new VaultLayout(MOUNT, ""));
		CredentialKey key = CredentialKey.of(this.account, "ie1");
		assertThat(store.read(key).secret().reveal()).hasSize(32);
		assertThat(store.currentVersion(key)).isNotEmpty();
		assertThat(store.list()).contains(new StoredPath(this.account, "ie1"), new StoredPath(this.other, "ie1"));
		assertThatThrownBy(() -> store.write(CredentialKey.of(TestSids.accountSid(), "au1"),
				Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0))
			.isInstanceOf(CredentialStoreException.AccessDenied.class);
	}

	@Test
	void theVerifierTokenHoldsTheLeaseWithCasAndRecordsChecksWhichTheProxyAloneCannot() {
		VaultLayout layout = new VaultLayout(MOUNT, "");
		String verifier = createToken(List.of("twilio-signing-proxy", "twilio-credential-verifier"), "verifier");
		VaultLease lease = new VaultLease(this.vault.template(verifier), layout, LEASE);
		VaultLease.State seen = lease.read();
		Instant now = Instant.now();
		VaultLease.State taken = lease.write(seen, "replica-a", now.plusSeconds(60), Optional.empty()).orElseThrow();
		assertThat(lease.write(seen, "replica-b", now.plusSeconds(60), Optional.empty())).isEmpty();
		assertThat(lease.read().owner()).isEqualTo("replica-a");
		assertThat(lease.write(taken, "", now, Optional.of(now.plusSeconds(3600)))).isPresent();
		assertThat(lease.read().nextRunAt()).contains(now.plusSeconds(3600));

		CredentialKey key = CredentialKey.of(this.account, "us1");
		this.vault.rootTemplate()
			.write(MOUNT + "/metadata/" + key.relativePath(), Map.of("custom_metadata", Map.of("source", "cli")));
		new VerificationMarks(this.vault.template(verifier), layout).record(key, "verified", "2026-05-01T08:00:00Z",
				Optional.of("0123456789ab"));
		assertThat(store(verifier, layout).metadata(new StoredPath(this.account, "us1")))
			.hasValueSatisfying(meta -> assertThat(meta.customMetadata()).containsEntry("source", "cli")
				.containsEntry("verified_at", "2026-05-01T08:00:00Z")
				.containsEntry("verification_outcome", "verified")
				.containsEntry("fingerprint", "0123456789ab"));

		String proxy = this.tokens.get("twilio-signing-proxy");
		assertThatThrownBy(() -> new VaultLease(this.vault.template(proxy), layout, LEASE).read())
			.isInstanceOf(CredentialStoreException.AccessDenied.class);
		assertThatThrownBy(() -> new VerificationMarks(this.vault.template(proxy), layout).record(key, "rejected",
				"2026-05-01T08:00:00Z", Optional.empty()))
			.isInstanceOf(CredentialStoreException.AccessDenied.class);
	}

	@Test
	void theSeederTokenSeedsThroughTheStoreWithMetadataButCannotReadItBack() {
		String seeder = this.tokens.get("twilio-seeder");
		CredentialStore store = store(seeder, new VaultLayout(MOUNT, ""));
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "au1");
		long version = store.write(key, Map.of("auth_token", TestSids.authToken(), "edge", "sydney"),
				new SeedMetadata("admin-api", "token-twilio-seeder-test", null, null), 0);
		store.write(key, Map.of("auth_token", TestSids.authToken()), new SeedMetadata("cli", null, null, null), version);
		assertThat(store.metadata(new StoredPath(key.account().value(), "au1")))
			.hasValueSatisfying(meta -> assertThat(meta.customMetadata()).containsEntry("source", "cli"));
		assertThat(store.currentVersion(key)).hasValue(2);
		assertThatThrownBy(() -> store.read(key)).isInstanceOf(CredentialStoreException.AccessDenied.class);
		VaultResponse self = this.vault.template(seeder).read("auth/token/lookup-self");
		assertThat(self.getData()).containsEntry("display_name", "token-twilio-seeder-test");
	}

	@Test
	void theAuditorTokenSeesTheInventoryButNoValue() {
		CredentialStore store = store(this.tokens.get("twilio-auditor"), new VaultLayout(MOUNT, ""));
		assertThat(store.list()).contains(new StoredPath(this.account, "us1"));
		assertThat(store.metadata(new StoredPath(this.account, "us1"))).isPresent();
		assertThatThrownBy(() -> store.read(CredentialKey.of(this.account, "us1")))
			.isInstanceOf(CredentialStoreException.AccessDenied.class);
	}

	@Test
	void policiesRenderedForAnotherMountAndPrefixWorkThereAndOnlyThere(@TempDir Path rendered) throws Exception {
		String mount = "secret-" + TestSids.hex(8);
		this.vault.enableKv2(mount);
		render(rendered, mount, "twilio", "");
		String suffix = "-" + mount;
		loadPolicy("twilio-seeder" + suffix, Files.readString(rendered.resolve("twilio-seeder.hcl")));
		loadPolicy("twilio-signing-proxy" + suffix, Files.readString(rendered.resolve("twilio-signing-proxy.hcl")));
		String seeder = createToken("twilio-seeder" + suffix, "seeder");
		String proxy = createToken("twilio-signing-proxy" + suffix, "proxy");
		VaultLayout layout = new VaultLayout(mount, "twilio/");
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");
		String token = TestSids.authToken();

		store(seeder, layout).write(key, Map.of("auth_token", token), new SeedMetadata("cli", null, null, null), 0);

		CredentialStore proxyStore = store(proxy, layout);
		assertThat(proxyStore.read(key).secret().reveal()).isEqualTo(token);
		assertThat(proxyStore.list()).containsExactly(new StoredPath(key.account().value(), "ie1"));
		assertThat(perform(proxy, "read", mount + "/data/" + key.account().value() + "/ie1")).isEqualTo(403);
		assertThat(perform(proxy, "read", MOUNT + "/data/" + this.account + "/ie1")).isEqualTo(403);
	}

	@Test
	void renderingRefusesAMountWithASlashAndAnAccountThatIsNotASid(@TempDir Path rendered) throws Exception {
		assertThat(runRender(rendered, "/secret", "", "")).isEqualTo(2);
		assertThat(runRender(rendered, "twilio", "", "AC123")).isEqualTo(2);
		assertThat(rendered).isEmptyDirectory();
	}

	private CredentialStore store(String token, VaultLayout layout) {
		return CredentialStore.vault(this.vault.template(token), layout);
	}

	private void loadPolicy(String name, String hcl) {
		this.vault.rootTemplate().write("sys/policies/acl/" + name, Map.of("policy", hcl));
	}

	private String createToken(String policy, String displayName) {
		return createToken(List.of(policy), displayName);
	}

	private String createToken(List<String> policies, String displayName) {
		return this.vault.rootTemplate()
			.opsForToken()
			.create(VaultTokenRequest.builder()
				.policies(policies)
				.noDefaultPolicy()
				.displayName(displayName)
				.ttl(30, TimeUnit.MINUTES)
				.build())
			.getToken()
			.getToken();
	}

	private void rootWrite(String relativePath) {
		HttpResponse<String> response = this.vault.http("POST", MOUNT + "/data/" + relativePath,
				"{\"data\":{\"auth_token\":\"" + TestSids.authToken() + "\"}}");
		assertThat(response.statusCode()).isEqualTo(200);
	}

	private long currentVersion(String metadataPath) {
		VaultResponse metadata = this.vault.rootTemplate().read(metadataPath);
		return (metadata == null) ? 0 : ((Number) metadata.getRequiredData().get("current_version")).longValue();
	}

	/**
	 * One Vault API call with {@code token}, the way the UI or the CLI would make it.
	 * @return the HTTP status
	 */
	private int perform(String token, String operation, String path) {
		String data = "{\"data\":{\"auth_token\":\"" + TestSids.authToken() + "\"}";
		return switch (operation) {
			case "read" -> send(token, "GET", path, null);
			case "list" -> send(token, "GET", path + "?list=true", null);
			case "write" -> send(token, "POST", path, data + "}");
			case "write-new" -> send(token, "POST", path, data + ",\"options\":{\"cas\":0}}");
			case "write-cas" -> send(token, "POST", path,
					data + ",\"options\":{\"cas\":" + currentVersion(path.replaceFirst("/data/", "/metadata/")) + "}}");
			case "write-metadata" ->
				send(token, "POST", path, "{\"custom_metadata\":{\"source\":\"cli\",\"fingerprint\":\"0123456789ab\"}}");
			case "patch-metadata" -> send(token, "PATCH", path,
					"{\"custom_metadata\":{\"verification_outcome\":\"verified\"}}");
			case "patch-settings" -> send(token, "PATCH", path, "{\"max_versions\":1}");
			case "delete" -> send(token, "DELETE", path, null);
			case "destroy" -> send(token, "POST", path, "{\"versions\":[1]}");
			default -> throw new IllegalArgumentException("unknown operation in the matrix: " + operation);
		};
	}

	private int send(String token, String method, String path, String json) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.vault.address() + "/v1/" + path))
			.header("X-Vault-Token", token)
			.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)
					: HttpRequest.BodyPublishers.noBody())
			.build();
		try {
			return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	private static void render(Path out, String mount, String prefix, String account) throws Exception {
		assertThat(runRender(out, mount, prefix, account)).as("vault-policies/render.sh exit code").isZero();
	}

	private static int runRender(Path out, String mount, String prefix, String account) throws Exception {
		Process process = new ProcessBuilder("bash", POLICIES.resolve("render.sh").toString(), out.toString(), mount,
				prefix, account)
			.redirectErrorStream(true)
			.start();
		process.getInputStream().transferTo(System.out);
		return process.waitFor();
	}

}
