package io.github.twiliovaultsidecar.support;

import java.io.File;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.twiliovaultsidecar.SidecarApplication;

/**
 * The service in its own JVM (for tests that need JVM flags such as a small heap, or the service's
 * own class path), started from the test classpath on a free 127.0.0.1 port and stopped by
 * {@link #close()}. The test classpath's Apache HttpClient is left out: the Twilio SDK brings it to
 * the tests, but the service's jar has none (pom.xml), so Spring Vault runs on Reactor Netty there,
 * and here too.
 */
public final class SidecarProcess implements AutoCloseable {

	/** Jars on the test classpath only, which would change the Vault client Spring Vault picks. */
	private static final List<String> TEST_ONLY_JARS = List.of("httpclient5-", "httpcore5-");

	private final Process process;

	private final int port;

	private final Path log;

	/**
	 * Background verification is off unless a test sets this: a run checks every entry of the run's
	 * shared Vault and would send requests other tests count.
	 */
	private static final String VERIFICATION_INTERVAL = "sidecar.verification.interval";

	private SidecarProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * @param jvmFlags e.g. {@code -Xmx128m}
	 * @param properties Spring properties passed as {@code --name=value}
	 * @return the started service, once {@code /actuator/health} answers
	 */
	public static SidecarProcess start(List<String> jvmFlags, Map<String, String> properties) throws IOException {
		return start(jvmFlags, Map.of(), properties);
	}

	/**
	 * @param jvmFlags e.g. {@code -Xmx128m}
	 * @param environment environment variables, e.g. a container's env from a rendered chart (this
	 * JVM's {@code VAULT_ADDR} and {@code VAULT_TOKEN} are not passed on)
	 * @param properties Spring properties passed as {@code --name=value}, which win over the environment
	 * @return the started service, once {@code /actuator/health} answers
	 */
	public static SidecarProcess start(List<String> jvmFlags, Map<String, String> environment,
			Map<String, String> properties) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmFlags);
		command.add("-cp");
		command.add(serviceClassPath());
		command.add(SidecarApplication.class.getName());
		command.add("--server.port=" + port);
		if (!properties.containsKey(VERIFICATION_INTERVAL)) {
			command.add("--" + VERIFICATION_INTERVAL + "=0");
		}
		properties.forEach((name, value) -> command.add("--" + name + "=" + value));
		Path log = Files.createTempFile("sidecar-process", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		if (!environment.isEmpty()) {
			builder.environment().remove("VAULT_ADDR");
			builder.environment().remove("VAULT_TOKEN");
			builder.environment().putAll(environment);
		}
		Process process = builder.start();
		SidecarProcess started = new SidecarProcess(process, port, log);
		started.awaitHealth();
		return started;
	}

	/**
	 * Starts the service against the run's Vault (with its root token) and a Twilio stand-in.
	 * @param properties more Spring properties, e.g. a larger body limit
	 */
	public static SidecarProcess start(List<String> jvmFlags, VaultServer vault, TwilioStandIn twilio,
			Map<String, String> properties) throws IOException {
		Map<String, String> all = new LinkedHashMap<>(properties);
		all.put("spring.cloud.vault.uri", vault.address());
		all.put("spring.cloud.vault.token", vault.rootToken());
		all.put("sidecar.twilio.upstream-override", twilio.baseUrl());
		return start(jvmFlags, all);
	}

	/** Closes each of {@code started} that is not {@code null}, for an {@code @AfterAll}. */
	public static void closeAll(AutoCloseable... started) throws Exception {
		for (AutoCloseable each : started) {
			if (each != null) {
				each.close();
			}
		}
	}

	private static String serviceClassPath() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter(entry -> TEST_ONLY_JARS.stream().noneMatch(Paths.get(entry).getFileName().toString()::startsWith))
			.collect(Collectors.joining(File.pathSeparator));
	}

	private void awaitHealth() throws IOException {
		HttpClient http = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("the service exited during start-up:\n" + log());
			}
			try {
				HttpResponse<String> response = http.send(
						HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
		}
		close();
		throw new IllegalStateException("the service did not become healthy within 60 s:\n" + log());
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** @return everything the process printed so far */
	public String log() throws IOException {
		return Files.readString(this.log);
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
