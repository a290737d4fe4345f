package io.github.twiliovaultsidecar.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;

/**
 * A Vault dev server of one test's own, for fault tests that stop and start Vault: the run's shared
 * {@link VaultServer} must stay up for every other test. It always listens on the same 127.0.0.1 port
 * with the same root token, so a restarted server is the same address to the service (a dev server
 * keeps its data in memory: re-seed after {@link #start()}). Needs a {@code vault}/{@code bao} binary.
 */
public final class DedicatedVault implements AutoCloseable {

	private final Path binary;

	private final int port = VaultServer.freePort();

	private final String token = UUID.randomUUID().toString();

	private Process process;

	private DedicatedVault(Path binary) {
		this.binary = binary;
	}

	/**
	 * @return a server, not started yet
	 * @throws VaultServer.VaultUnavailableException when no binary can be found
	 */
	public static DedicatedVault create() {
		return new DedicatedVault(VaultServer.findBinary()
			.orElseThrow(() -> new VaultServer.VaultUnavailableException(
					"This fault test stops and starts its own Vault and needs a vault or bao binary: run 'make vault'")));
	}

	public String address() {
		return "http://127.0.0.1:" + this.port;
	}

	public String rootToken() {
		return this.token;
	}

	/** Starts the dev server (empty) and mounts KV v2 at {@code twilio}. */
	public synchronized void start() throws IOException {
		Path home = Files.createTempDirectory("vault-dedicated-home");
		ProcessBuilder builder = new ProcessBuilder(this.binary.toString(), "server", "-dev",
				"-dev-listen-address=127.0.0.1:" + this.port, "-dev-root-token-id=" + this.token, "-dev-no-store-token")
			.redirectErrorStream(true)
			.redirectOutput(home.resolve("vault.log").toFile());
		builder.environment().put("HOME", home.toString());
		builder.environment().remove("VAULT_ADDR");
		builder.environment().remove("VAULT_TOKEN");
		this.process = builder.start();
		VaultServer.awaitHealthy(address());
		template().write("sys/mounts/twilio", Map.of("type", "kv", "options", Map.of("version", "2")));
	}

	/** Stops the server, as an outage would. */
	public synchronized void stop() throws InterruptedException {
		if (this.process != null) {
			this.process.destroy();
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
			this.process = null;
		}
	}

	/** @return a template with the root token */
	public VaultTemplate template() {
		return new VaultTemplate(VaultEndpoint.from(java.net.URI.create(address())), new TokenAuthentication(this.token));
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}
