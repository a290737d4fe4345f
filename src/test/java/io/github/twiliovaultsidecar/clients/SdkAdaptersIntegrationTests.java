package io.github.twiliovaultsidecar.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.Account;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.twiliovaultsidecar.client.SidecarHttpClient;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.TwilioStandIn.Recorded;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The adapters of clients/ with the official Twilio SDKs, against the running sidecar (a real Vault,
 * the Twilio stand-in as its upstream): twilio-java in this JVM through clients/java, and twilio-node
 * and twilio-python as {@code node --test} and {@code pytest} runs of clients/node and clients/python.
 * Each SDK gets its own account with us1, ie1 and au1 tokens stored (none for jp1) and two subaccounts.
 * <p>
 * {@code make test} installs the SDKs (npm ci, a Python virtual environment in the tool cache) and
 * names the interpreters in {@code sidecar.test.node} and {@code sidecar.test.python}.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SdkAdaptersIntegrationTests {

	/** How many accounts each test account sees in a list: itself and its subaccounts. */
	private static final int ACCOUNTS_SEEN = 3;

	private static final List<String> REGIONS = List.of("us1", "ie1", "au1");

	private static final Path CLIENTS = Paths.get(System.getProperty("sidecar.test.clients-dir", "clients"));

	private static final long SDK_RUN_SECONDS = 300;

	private static final TwilioStandIn twilio = TwilioStandIn.start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer.register(registry, twilio::baseUrl);
	}

	@AfterAll
	static void stopTheStandIn() {
		twilio.close();
	}

	@ParameterizedTest
	@CsvSource({ "us1, , , api.twilio.com", "ie1, ie1, dublin, api.dublin.ie1.twilio.com",
			"au1, au1, sydney, api.sydney.au1.twilio.com" })
	void javaCreatesAMessageSignedOnceWithTheRegionalToken(String tokenRegion, String region, String edge, String host,
			VaultServer vault) {
		Seeded seeded = seed(vault);
		String accountSid = seeded.account();
		String sidecarUrl = sidecarUrl();
		// The snippet of docs/calling-twilio.md, as an app writes it (region and edge left out for us1).
		TwilioRestClient.Builder builder = new TwilioRestClient.Builder(accountSid, SidecarHttpClient.PLACEHOLDER_TOKEN);
		if (region != null) {
			builder.region(region).edge(edge);
		}
		TwilioRestClient client = builder.httpClient(new SidecarHttpClient(sidecarUrl)).build();
		Message message = Message
			.creator(new PhoneNumber("+15005550006"), new PhoneNumber("+15005550001"), "Hello from a new user")
			.create(client);
		assertThat(message.getSid()).startsWith("SM");
		assertThat(message.getBody()).isEqualTo("Hello from a new user");
		List<Recorded> seen = twilio.requests(r -> r.method().equals("POST")
				&& r.path().equals("/2010-04-01/Accounts/" + accountSid + "/Messages.json"));
		assertThat(seen).singleElement().satisfies(request -> {
			assertThat(request.host()).isEqualTo(host);
			assertThat(request.basicAuth()).containsExactly(accountSid, seeded.tokens().get(tokenRegion));
		});
	}

	@Test
	void javaFetchesTheAccountWithItsTokenRedacted(VaultServer vault) {
		Seeded seeded = seed(vault);
		Account account = Account.fetcher(seeded.account()).fetch(dublin(seeded.account()));
		assertThat(account.getSid()).isEqualTo(seeded.account());
		assertThat(account.getAuthToken()).isEqualTo("[redacted]");
	}

	@Test
	void javaSeesATwilio4xxAsApiExceptionWithTwiliosCode(VaultServer vault) {
		Seeded seeded = seed(vault);
		ApiException failure = catchThrowableOfType(ApiException.class,
				() -> Message.fetcher("SM" + "0".repeat(32)).fetch(dublin(seeded.account())));
		assertThat(failure.getStatusCode()).isEqualTo(404);
		assertThat(failure.getCode()).isEqualTo(20404);
		assertThat(failure.getMessage()).contains("not found");
	}

	@Test
	void javaSeesASidecarProblemAsApiExceptionWithAReadableMessageAndNothingReachesTwilio(VaultServer vault) {
		Seeded seeded = seed(vault);
		TwilioRestClient tokyo = new TwilioRestClient.Builder(seeded.account(), SidecarHttpClient.PLACEHOLDER_TOKEN)
			.region("jp1")
			.edge("tokyo")
			.httpClient(new SidecarHttpClient(sidecarUrl()))
			.build();
		ApiException failure = catchThrowableOfType(ApiException.class,
				() -> Message.creator(new PhoneNumber("+15005550006"), new PhoneNumber("+15005550001"), "never sent")
					.create(tokyo));
		assertThat(failure.getStatusCode()).isEqualTo(404);
		assertThat(failure.getMessage())
			.isEqualTo("No Twilio credential is stored at twilio/" + seeded.account() + "/jp1");
		assertThat(failure.getMoreInfo()).isEqualTo("docs/calling-twilio.md#credential-not-found");
		assertThat(failure.getCode()).isNull();
		assertThat(twilio.requests(r -> r.path().contains(seeded.account()))).isEmpty();
	}

	@Test
	void javaFollowsNextPageUriThroughTheSidecar(VaultServer vault) {
		Seeded seeded = seed(vault);
		TwilioRestClient us1 = new TwilioRestClient.Builder(seeded.account(), SidecarHttpClient.PLACEHOLDER_TOKEN)
			.httpClient(new SidecarHttpClient(sidecarUrl()))
			.build();
		List<Account> accounts = StreamSupport.stream(Account.reader().pageSize(1).read(us1).spliterator(), false)
			.toList();
		assertThat(accounts).hasSize(ACCOUNTS_SEEN).allSatisfy(account -> assertThat(account.getAuthToken()).isEqualTo("[redacted]"));
		List<Recorded> pages = twilio.requests(r -> r.path().equals("/2010-04-01/Accounts.json")
				&& !r.basicAuth().isEmpty() && r.basicAuth().get(0).equals(seeded.account()));
		assertThat(pages).hasSize(ACCOUNTS_SEEN)
			.allSatisfy(page -> assertThat(page.basicAuth().get(1)).isEqualTo(seeded.tokens().get("us1")));
		assertThat(pages.get(ACCOUNTS_SEEN - 1).query()).contains("Page=" + (ACCOUNTS_SEEN - 1));
	}

	@Test
	void aProblemTheFrameworkMakesAlsoCarriesAMessage() throws Exception {
		java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create(sidecarUrl() + "/admin/v1/credentials/" + TestSids.accountSid() + "/us1"))
				.header("Content-Type", "text/plain")
				.PUT(java.net.http.HttpRequest.BodyPublishers.ofString("not json"))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).isEqualTo(415);
		tools.jackson.databind.JsonNode problem = JSON.readTree(answer.body());
		assertThat(problem.get("detail").asString()).isNotBlank();
		assertThat(problem.get("message").asString()).isEqualTo(problem.get("detail").asString());
		assertThat(problem.has("code")).isFalse();
	}

	@Test
	void nodeAdapterPassesItsTestsWithTheOfficialTwilioPackage(VaultServer vault) throws Exception {
		Path node = CLIENTS.resolve("node");
		assertSdkRunPasses(List.of(tool("sidecar.test.node", "node"), "--test", "test/unit.test.js", "test/sidecar.test.js"),
				node, seed(vault));
	}

	@Test
	void pythonAdapterPassesItsTestsWithTheOfficialTwilioPackage(VaultServer vault) throws Exception {
		Path python = CLIENTS.resolve("python");
		assertSdkRunPasses(List.of(tool("sidecar.test.python", "python3"), "-m", "pytest", "-v", "-p", "no:cacheprovider",
				"tests"), python, seed(vault));
	}

	private void assertSdkRunPasses(List<String> command, Path directory, Seeded seeded) throws Exception {
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
		Map<String, String> env = builder.environment();
		env.put("TWILIO_SIDECAR_URL", sidecarUrl());
		env.put("SIDECAR_TEST_ACCOUNT_SID", seeded.account());
		env.put("SIDECAR_TEST_TOKENS", JSON.writeValueAsString(seeded.tokens()));
		env.put("SIDECAR_TEST_ACCOUNTS", Integer.toString(ACCOUNTS_SEEN));
		env.put("SIDECAR_TEST_STANDIN_URL", twilio.baseUrl());
		// Only 127.0.0.1 is called: no proxy may stand in between.
		List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy").forEach(env::remove);
		env.put("NO_PROXY", "127.0.0.1,localhost");
		Path output = Files.createTempFile("sdk-adapter-run", ".log");
		builder.redirectOutput(output.toFile());
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new AssertionError("could not start " + command.get(0) + " (make test installs the SDKs and names "
					+ "the interpreters in -Dsidecar.test.node and -Dsidecar.test.python)", ex);
		}
		boolean finished = process.waitFor(SDK_RUN_SECONDS, TimeUnit.SECONDS);
		if (!finished) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		String printed = Files.readString(output, StandardCharsets.UTF_8);
		Files.deleteIfExists(output);
		System.out.println("--- " + String.join(" ", command) + " in " + directory + " ---\n" + printed);
		assertThat(finished).as("%s finished within %d s:%n%s", command, SDK_RUN_SECONDS, printed).isTrue();
		assertThat(process.exitValue()).as("exit code of %s:%n%s", command, printed).isZero();
		for (String region : REGIONS) {
			assertThat(printed).as("what %s printed", command).doesNotContain(seeded.tokens().get(region));
		}
	}

	private static String tool(String property, String fallback) {
		String configured = System.getProperty(property);
		return (configured == null || configured.isBlank()) ? fallback : configured;
	}

	private TwilioRestClient dublin(String accountSid) {
		return new TwilioRestClient.Builder(accountSid, SidecarHttpClient.PLACEHOLDER_TOKEN).region("ie1")
			.edge("dublin")
			.httpClient(new SidecarHttpClient(sidecarUrl()))
			.build();
	}

	private String sidecarUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/** A fresh account with a token stored for each of us1, ie1 and au1, and two subaccounts in us1. */
	private static Seeded seed(VaultServer vault) {
		CredentialStore store = CredentialStore.vault(vault.rootTemplate(), new VaultLayout("twilio", ""));
		String account = TestSids.accountSid();
		Map<String, String> tokens = new LinkedHashMap<>();
		for (String region : REGIONS) {
			String token = TestSids.authToken();
			store.write(CredentialKey.of(account, region), Map.of("auth_token", token), SeedMetadata.NONE, 0);
			twilio.authToken(account, region, token);
			tokens.put(region, token);
		}
		List<String> subaccounts = new ArrayList<>();
		for (int i = 1; i < ACCOUNTS_SEEN; i++) {
			String sub = TestSids.accountSid();
			twilio.subaccount(account, sub, "us1", TestSids.authToken(), "active");
			subaccounts.add(sub);
		}
		return new Seeded(account, Map.copyOf(tokens), List.copyOf(subaccounts));
	}

	private record Seeded(String account, Map<String, String> tokens, List<String> subaccounts) {

		@Override
		public String toString() {
			return "Seeded[" + this.account + ", tokens for " + this.tokens.keySet() + "]";
		}

	}

}
