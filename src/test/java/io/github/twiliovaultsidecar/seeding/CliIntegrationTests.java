package io.github.twiliovaultsidecar.seeding;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.twiliovaultsidecar.SidecarApplication;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;
import io.github.twiliovaultsidecar.twilio.Secret;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI as a person runs it: the service jar's main class in its own JVM, VAULT_ADDR and
 * VAULT_TOKEN in the environment, the token piped on standard input.
 */
@RealVault
class CliIntegrationTests {

	static final TwilioStandIn twilio = TwilioStandIn.start();

	static final JsonMapper JSON = JsonMapper.builder().build();

	VaultServer server;

	SeedingVault vault;

	String account;

	/** The CLI's standard output and error, one pair of files per run, removed after each test. */
	@TempDir
	Path outputs;

	@BeforeEach
	void setUp(VaultServer server) {
		this.server = server;
		server.enableKv2("twilio");
		this.vault = new SeedingVault(server);
		this.account = TestSids.accountSid();
	}

	@AfterAll
	static void stopTwilio() {
		twilio.close();
	}

	@Test
	void seedReadsTheTokenFromStdinVerifiesAndStoresItThenInventoryListsItWithoutTheToken() throws Exception {
		String token = TestSids.authToken();
		twilio.authToken(this.account, "ie1", token);
		String seeder = this.vault.token("twilio-seeder", SeedingVault.SEEDER_POLICY, "cli-person");

		Run seed = cli(seeder, token + "\n", "seed", "--account", this.account, "--region", "ie1", "--edge", "dublin");
		assertThat(seed.exit()).as(seed.describe()).isZero();
		assertThat(seed.out()).contains("Stored twilio/" + this.account + "/ie1 version 1")
			.contains(Secret.of(token).fingerprint())
			.contains("cli-person")
			.contains("source       cli");
		assertThat(seed.out() + seed.err()).doesNotContain(token).doesNotContain(seeder);
		assertThat(this.vault.data(this.account + "/ie1").path("auth_token").asString()).isEqualTo(token);
		JsonNode custom = this.vault.metadata(this.account + "/ie1").path("custom_metadata");
		assertThat(custom.path("source").asString()).isEqualTo("cli");
		assertThat(custom.path("seeded_by").asString()).contains("cli-person");
		assertThat(twilio.requests(r -> r.path().contains(this.account))).singleElement()
			.satisfies(request -> assertThat(request.basicAuth()).containsExactly(this.account, token));

		Run table = cli(this.server.rootToken(), "", "inventory", "--account", this.account);
		assertThat(table.exit()).as(table.describe()).isZero();
		assertThat(table.out()).contains("PATH").contains("twilio/" + this.account + "/ie1").contains("cli");
		Run json = cli(this.server.rootToken(), "", "inventory", "--account", this.account, "--json");
		assertThat(json.exit()).as(json.describe()).isZero();
		JsonNode entries = JSON.readTree(json.out()).path("entries");
		assertThat(entries).singleElement().satisfies(entry -> {
			assertThat(entry.path("version").asLong()).isEqualTo(1);
			assertThat(entry.path("problems")).isEmpty();
		});
		assertThat(table.out() + table.err() + json.out() + json.err()).doesNotContain(token);
	}

	@Test
	void aTokenWithoutWriteExitsWith4AndNothingIsWritten() throws Exception {
		String token = TestSids.authToken();
		twilio.authToken(this.account, "ie1", token);
		String reader = this.vault.token("twilio-reader-cli", SeedingVault.READER_POLICY, "cli-reader");
		Run run = cli(reader, token + "\n", "seed", "--account", this.account, "--region", "ie1");
		assertThat(run.exit()).as(run.describe()).isEqualTo(SeedingException.EXIT_VAULT_DENIED);
		assertThat(run.err()).contains("Vault denied");
		assertThat(this.vault.metadata(this.account + "/ie1")).isNull();
	}

	@Test
	void aTokenTwilioRejectsForTheRegionExitsWith3AndNothingIsWritten() throws Exception {
		String us1 = TestSids.authToken();
		twilio.authToken(this.account, "us1", us1);
		Run run = cli(this.server.rootToken(), us1 + "\n", "seed", "--account", this.account, "--region", "ie1");
		assertThat(run.exit()).as(run.describe()).isEqualTo(SeedingException.EXIT_VERIFICATION_FAILED);
		assertThat(run.out() + run.err()).doesNotContain(us1);
		assertThat(this.vault.metadata(this.account + "/ie1")).isNull();
	}

	@Test
	void aStaleCasExitsWith5AndTheVersionIsUnchanged() throws Exception {
		this.vault.writeRaw(this.account + "/us1", "{\"auth_token\":\"" + TestSids.authToken() + "\"}");
		this.vault.writeRaw(this.account + "/us1", "{\"auth_token\":\"" + TestSids.authToken() + "\"}");
		String token = TestSids.authToken();
		twilio.authToken(this.account, "us1", token);
		Run run = cli(this.server.rootToken(), token + "\n", "seed", "--account", this.account, "--region", "us1",
				"--cas", "1");
		assertThat(run.exit()).as(run.describe()).isEqualTo(SeedingException.EXIT_CONFLICT);
		assertThat(this.vault.currentVersion(this.account + "/us1")).hasValue(2);
	}

	@Test
	void invalidInputExitsWith2AndNeitherTwilioNorVaultSeesIt() throws Exception {
		String token = TestSids.authToken();
		Run badSid = cli(this.server.rootToken(), token + "\n", "seed", "--account", "AC123", "--region", "ie1");
		assertThat(badSid.exit()).as(badSid.describe()).isEqualTo(SeedingException.EXIT_INVALID_INPUT);
		assertThat(badSid.err()).contains("Not an Account SID");
		Run emptyToken = cli(this.server.rootToken(), "\n", "seed", "--account", this.account, "--region", "ie1");
		assertThat(emptyToken.exit()).as(emptyToken.describe()).isEqualTo(SeedingException.EXIT_INVALID_INPUT);
		Run noRegion = cli(this.server.rootToken(), token + "\n", "seed", "--account", this.account);
		assertThat(noRegion.exit()).as(noRegion.describe()).isEqualTo(SeedingException.EXIT_INVALID_INPUT);
		assertThat(twilio.requests(r -> r.path().contains(this.account) || r.path().contains("AC123"))).isEmpty();
		assertThat(this.vault.metadata(this.account + "/ie1")).isNull();
	}

	@Test
	void withoutVaultTokenItExitsWith4() throws Exception {
		Run run = cli("", TestSids.authToken() + "\n", "seed", "--account", this.account, "--region", "ie1");
		assertThat(run.exit()).as(run.describe()).isEqualTo(SeedingException.EXIT_VAULT_DENIED);
		assertThat(run.err()).contains("VAULT_TOKEN");
	}

	private Run cli(String vaultToken, String stdin, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SidecarApplication.class.getName());
		command.addAll(List.of(args));
		command.add("--sidecar.twilio.upstream-override=" + twilio.baseUrl());
		Path out = Files.createTempFile(this.outputs, "sidecar-cli", ".out");
		Path err = Files.createTempFile(this.outputs, "sidecar-cli", ".err");
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
		builder.environment().put("VAULT_ADDR", this.server.address());
		builder.environment().put("VAULT_TOKEN", vaultToken);
		Process process = builder.start();
		try (OutputStream in = process.getOutputStream()) {
			in.write(stdin.getBytes(StandardCharsets.UTF_8));
		}
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("the CLI did not finish within 120 s");
		}
		return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
	}

	private record Run(int exit, String out, String err) {

		String describe() {
			return "exit " + this.exit + "\n--- stdout\n" + this.out + "\n--- stderr\n" + this.err;
		}

	}

}
