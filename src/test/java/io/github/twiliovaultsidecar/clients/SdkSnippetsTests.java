package io.github.twiliovaultsidecar.clients;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SDK snippets of docs/calling-twilio.md are the ones the adapters' tests run: each test marks the
 * client set-up it shares with the docs, and the docs must hold it verbatim.
 */
class SdkSnippetsTests {

	private static final Path CLIENTS = Paths.get(System.getProperty("sidecar.test.clients-dir", "clients"));

	private static final Path DOCS = CLIENTS.resolveSibling("docs").resolve("calling-twilio.md");

	private static final Path README = CLIENTS.resolveSibling("README.md");

	private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\n(.*?)```");

	private static final String MARK = "--- the snippet of docs/calling-twilio.md, as an app writes it ---";

	@ParameterizedTest
	@CsvSource({ "node/test/sidecar.test.js, //", "python/tests/test_sidecar.py, #" })
	void theDocsHoldTheClientSetUpTheSdkTestRuns(String test, String comment) throws IOException {
		List<String> lines = Files.readAllLines(CLIENTS.resolve(test));
		int start = lines.indexOf(comment + " " + MARK);
		int end = lines.subList(start + 1, lines.size()).indexOf(comment + " ---") + start + 1;
		assertThat(start).as("the snippet mark in %s", test).isNotNegative();
		assertThat(end).as("the end of the snippet in %s", test).isGreaterThan(start + 1);
		String snippet = String.join("\n", lines.subList(start + 1, end));
		assertThat(Files.readString(DOCS)).as("docs/calling-twilio.md").contains(snippet);
	}

	@Test
	void theDocsNameTheJavaClientsCoordinatesAndVersionAndItsWayIn() throws IOException {
		String pom = Files.readString(CLIENTS.resolve("java/pom.xml"));
		Matcher version = Pattern.compile("<artifactId>twilio-vault-sidecar-client</artifactId>\\s*<version>([^<]+)</version>")
			.matcher(pom);
		assertThat(version.find()).as("the client's version in clients/java/pom.xml").isTrue();
		String docs = Files.readString(DOCS);
		assertThat(docs).contains("<groupId>io.github.twiliovaultsidecar</groupId>\n  <artifactId>twilio-vault-sidecar-client</artifactId>\n  <version>"
				+ version.group(1) + "</version>");
		assertThat(docs).contains("import io.github.twiliovaultsidecar.client.SidecarHttpClient;")
			.contains("new TwilioRestClient.Builder(accountSid, SidecarHttpClient.PLACEHOLDER_TOKEN)")
			.contains(".httpClient(new SidecarHttpClient())");
	}

	@Test
	void theReadmesJavaSnippetIsPartOfTheDocsOne() throws IOException {
		Matcher readme = JAVA_BLOCK.matcher(Files.readString(README));
		Matcher docs = JAVA_BLOCK.matcher(Files.readString(DOCS));
		assertThat(readme.find()).as("a java block in README.md").isTrue();
		assertThat(docs.find()).as("a java block in docs/calling-twilio.md").isTrue();
		assertThat(docs.group(1).lines().toList()).as("the Java SDK block of docs/calling-twilio.md")
			.containsSubsequence(readme.group(1).lines().toList());
	}

}
