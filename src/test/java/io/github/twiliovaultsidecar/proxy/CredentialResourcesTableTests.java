package io.github.twiliovaultsidecar.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped table of credential-bearing resources is what {@code scripts/credential-resources.py}
 * derives from the official Python SDK the tests install ({@code make test} names its interpreter in
 * {@code sidecar.test.python}): a new SDK version with a new credential field fails here until
 * {@code make credential-resources} is run and the change reviewed.
 */
class CredentialResourcesTableTests {

	private static final Path TABLE = Path.of("src/main/resources/io/github/twiliovaultsidecar/proxy",
			CredentialResources.TABLE);

	@Test
	void theShippedTableIsTheOneDerivedFromTheSdksOwnModels() throws Exception {
		String python = System.getProperty("sidecar.test.python", "python3");
		String locate = "import os, twilio; print(os.path.dirname(twilio.__file__))";
		String sdk = run(List.of(python, "-c", locate)).strip();
		String derived = run(List.of(python, "scripts/credential-resources.py", sdk));
		assertThat(derived.lines().filter(line -> !line.startsWith("#")).count()).as("rows derived").isGreaterThan(20);
		assertThat(Files.readString(TABLE, StandardCharsets.UTF_8)).isEqualTo(derived);
	}

	private static String run(List<String> command) throws IOException, InterruptedException {
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new AssertionError("could not start " + command.get(0) + " (make test installs the Python SDK and "
					+ "names its interpreter in -Dsidecar.test.python)", ex);
		}
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("%s: %s", command, out).isZero();
		return out;
	}

}
