package io.github.twiliovaultsidecar.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.vault.client.SimpleVaultEndpointProvider;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.VaultToken;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A real Vault dev server shared by every test in the run, found or started from the first source
 * that works:
 * <ol>
 * <li>a Testcontainers {@code hashicorp/vault} container, when a Docker engine is present;</li>
 * <li>{@code VAULT_ADDR} and {@code VAULT_TOKEN} from the environment;</li>
 * <li>a {@code vault} or {@code bao} binary on {@code PATH}, or the one {@code make vault} builds into
 * the tool cache, started as {@code server -dev} on a free 127.0.0.1 port and stopped when the JVM
 * exits.</li>
 * </ol>
 * Tests share it, so each uses random Account SIDs (see {@link TestSids}) or its own mount.
 */
public final class VaultServer implements AutoCloseable {

	/** The Vault release the project pins; {@code make vault} builds this one. */
	public static final String PINNED_VERSION = System.getProperty("sidecar.test.vault-version", "1.21.1");

	private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

	private static VaultServer shared;

	private static String unavailableReason;

	private final String address;

	private final String rootToken;

	private final String source;

	private final String version;

	private final AutoCloseable stopper;

	private VaultServer(String address, String rootToken, String source, AutoCloseable stopper) {
		this.address = address;
		this.rootToken = rootToken;
		this.source = source;
		this.stopper = stopper;
		this.version = awaitHealthy(address);
	}

	/**
	 * @return the run's Vault, started on first use
	 * @throws VaultUnavailableException when no source could provide one, saying how to get one
	 */
	public static synchronized VaultServer shared() {
		if (shared != null) {
			return shared;
		}
		if (unavailableReason != null) {
			throw new VaultUnavailableException(unavailableReason);
		}
		try {
			shared = start();
			System.out.println("[vault-tests] Vault tests run against Vault " + shared.version + " (" + shared.source
					+ ") at " + shared.address);
			VaultServer server = shared;
			Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vault-test-server-stop"));
			return shared;
		}
		catch (VaultUnavailableException ex) {
			unavailableReason = ex.getMessage();
			throw ex;
		}
	}

	private static VaultServer start() {
		if (dockerAvailable()) {
			return container();
		}
		String envAddress = System.getenv("VAULT_ADDR");
		String envToken = System.getenv("VAULT_TOKEN");
		if (envAddress != null && !envAddress.isBlank() && envToken != null && !envToken.isBlank()) {
			return new VaultServer(envAddress, envToken, "VAULT_ADDR from the environment", () -> {
			});
		}
		Optional<Path> binary = findBinary();
		if (binary.isPresent()) {
			return devServer(binary.get());
		}
		throw new VaultUnavailableException("No Vault server for the Vault tests: no Docker engine, no VAULT_ADDR and "
				+ "VAULT_TOKEN, no 'vault' or 'bao' on PATH and none in " + cacheBinary()
				+ ". Run 'make vault' to build Vault " + PINNED_VERSION + " into the cache (or run 'make test', "
				+ "which does it first).");
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	@SuppressWarnings("resource")
	private static VaultServer container() {
		String token = UUID.randomUUID().toString();
		GenericContainer<?> container = new GenericContainer<>("hashicorp/vault:" + PINNED_VERSION)
			.withEnv("VAULT_DEV_ROOT_TOKEN_ID", token)
			.withEnv("SKIP_SETCAP", "true")
			.withExposedPorts(8200)
			.waitingFor(Wait.forHttp("/v1/sys/health").forStatusCode(200));
		container.start();
		String address = "http://" + container.getHost() + ":" + container.getMappedPort(8200);
		return new VaultServer(address, token, "Testcontainers hashicorp/vault:" + PINNED_VERSION, container::stop);
	}

	/** @return where {@code make vault} puts the pinned binary */
	static Path cacheBinary() {
		String cache = Optional.ofNullable(System.getenv("SIDECAR_TOOL_CACHE"))
			.orElse(System.getProperty("user.home") + "/.cache/twilio-vault-sidecar");
		return Paths.get(cache, "vault-" + PINNED_VERSION, "vault");
	}

	static Optional<Path> findBinary() {
		List<Path> candidates = new ArrayList<>();
		for (String dir : Optional.ofNullable(System.getenv("PATH")).orElse("").split(java.io.File.pathSeparator)) {
			if (!dir.isEmpty()) {
				candidates.add(Paths.get(dir, "vault"));
				candidates.add(Paths.get(dir, "bao"));
			}
		}
		candidates.add(cacheBinary());
		return candidates.stream().filter(Files::isExecutable).findFirst();
	}

	private static VaultServer devServer(Path binary) {
		int port = freePort();
		String token = UUID.randomUUID().toString();
		String address = "http://127.0.0.1:" + port;
		try {
			Path home = Files.createTempDirectory("vault-test-home");
			Path log = home.resolve("vault.log");
			ProcessBuilder builder = new ProcessBuilder(binary.toString(), "server", "-dev",
					"-dev-listen-address=127.0.0.1:" + port, "-dev-root-token-id=" + token, "-dev-no-store-token")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().put("HOME", home.toString());
			builder.environment().remove("VAULT_ADDR");
			builder.environment().remove("VAULT_TOKEN");
			Process process = builder.start();
			return new VaultServer(address, token, binary + " server -dev", () -> {
				process.destroy();
				if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			});
		}
		catch (IOException ex) {
			throw new VaultUnavailableException("Could not start " + binary + ": " + ex.getMessage());
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new VaultUnavailableException("No free port on 127.0.0.1: " + ex.getMessage());
		}
	}

	static String awaitHealthy(String address) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		String lastError = "no answer";
		while (System.nanoTime() < deadline) {
			try {
				HttpResponse<String> response = client.send(
						HttpRequest.newBuilder(URI.create(address + "/v1/sys/health")).GET().build(),
						HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					Matcher matcher = VERSION.matcher(response.body());
					return matcher.find() ? matcher.group(1) : "unknown";
				}
				lastError = "status " + response.statusCode();
			}
			catch (IOException ex) {
				lastError = ex.getClass().getSimpleName();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new VaultUnavailableException("Vault at " + address + " did not become healthy: " + lastError);
	}

	public String address() {
		return this.address;
	}

	/**
	 * Points a Spring test context at the run's Vault (KV v2 mounted at {@code twilio}) and, when
	 * given, at a Twilio stand-in.
	 * @param twilioBaseUrl the stand-in's base URL, or {@code null} to leave Twilio alone
	 */
	public static void register(org.springframework.test.context.DynamicPropertyRegistry registry,
			java.util.function.Supplier<Object> twilioBaseUrl) {
		VaultServer vault = shared();
		vault.enableKv2("twilio");
		registry.add("spring.cloud.vault.uri", vault::address);
		registry.add("spring.cloud.vault.token", vault::rootToken);
		if (twilioBaseUrl != null) {
			registry.add("sidecar.twilio.upstream-override", twilioBaseUrl);
		}
	}

	public String rootToken() {
		return this.rootToken;
	}

	public String version() {
		return this.version;
	}

	/**
	 * @return a template authenticated with {@code token}, on the JDK's HTTP client (which, like the
	 * service's, can send the PATCH requests KV v2 metadata patches need)
	 */
	public VaultTemplate template(String token) {
		return new VaultTemplate(SimpleVaultEndpointProvider.of(VaultEndpoint.from(URI.create(this.address))),
				new JdkClientHttpRequestFactory(), () -> VaultToken.of(token));
	}

	/** @return a template authenticated with the root token */
	public VaultTemplate rootTemplate() {
		return template(this.rootToken);
	}

	/**
	 * Mounts a KV version 2 engine at {@code path} unless something is mounted there already.
	 * @return {@code path}
	 */
	public String enableKv2(String path) {
		VaultTemplate root = rootTemplate();
		if (!root.opsForSys().getMounts().containsKey(path + "/")) {
			root.write("sys/mounts/" + path, Map.of("type", "kv", "options", Map.of("version", "2")));
		}
		return path;
	}

	/**
	 * Sends one raw HTTP request with the root token, the way the Vault UI or CLI would.
	 * @return the response
	 */
	public HttpResponse<String> http(String method, String apiPath, String jsonBody) {
		try {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.address + "/v1/" + apiPath))
				.header("X-Vault-Token", this.rootToken)
				.header("Content-Type", "application/json")
				.method(method, (jsonBody != null) ? HttpRequest.BodyPublishers.ofString(jsonBody)
						: HttpRequest.BodyPublishers.noBody());
			return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Vault request failed: " + method + " " + apiPath, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	@Override
	public void close() {
		try {
			this.stopper.close();
		}
		catch (Exception ex) {
			System.err.println("[vault-tests] stopping Vault failed: " + ex);
		}
	}

	/** No Vault could be found or started. */
	public static final class VaultUnavailableException extends RuntimeException {

		VaultUnavailableException(String message) {
			super(message);
		}

	}

}
