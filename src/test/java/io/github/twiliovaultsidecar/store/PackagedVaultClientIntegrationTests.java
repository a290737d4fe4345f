package io.github.twiliovaultsidecar.store;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.SidecarProcess;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vault through the client the packaged service uses: its jar has no Apache HttpClient, so Spring
 * Vault's RestTemplate runs on Reactor Netty there. The in-process tests see the Twilio SDK's Apache
 * HttpClient on their class path and so test Spring Vault's other client; this one starts the
 * service on the service's own class path ({@link SidecarProcess}) and goes through every kind of
 * Vault call it makes: a caller's token (seeding), the service's own token (the proxy's credential
 * read), the readiness check, and the Vault metric around them.
 */
@RealVault
class PackagedVaultClientIntegrationTests {

	private static TwilioStandIn twilio;

	private static SidecarProcess sidecar;

	private static VaultServer vault;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start(VaultServer server) throws Exception {
		vault = server;
		twilio = TwilioStandIn.start();
		vault.enableKv2("twilio");
		sidecar = SidecarProcess.start(List.of("-Xmx128m"), vault, twilio, Map.of());
	}

	@AfterAll
	static void stop() throws Exception {
		SidecarProcess.closeAll(sidecar, twilio);
	}

	@Test
	void aNewUserSeedsATokenAndCallsTwilioWithItThroughTheServicesOwnVaultClient() throws Exception {
		String account = TestSids.accountSid();
		String token = TestSids.authToken();
		twilio.authToken(account, "ie1", token);

		HttpResponse<String> seeded = send(HttpRequest
			.newBuilder(URI.create(sidecar.baseUrl() + "/admin/v1/credentials/" + account + "/ie1"))
			.header("X-Vault-Token", vault.rootToken())
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"auth_token\":\"" + token + "\"}")));
		assertThat(seeded.statusCode()).as(seeded.body()).isEqualTo(200);
		assertThat(seeded.body()).contains("\"version\":1", "\"verified\":true");

		HttpResponse<String> proxied = send(HttpRequest.newBuilder(URI.create(
				sidecar.baseUrl() + "/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + account + "/Messages.json"))
			.header("X-Twilio-Account-Sid", account));
		assertThat(proxied.statusCode()).as("signed with the token read back from Vault: " + proxied.body())
			.isEqualTo(200);

		HttpResponse<String> readiness = send(
				HttpRequest.newBuilder(URI.create(sidecar.baseUrl() + "/actuator/health/readiness")));
		assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);

		HttpResponse<String> metric = send(
				HttpRequest.newBuilder(URI.create(sidecar.baseUrl() + "/actuator/metrics/sidecar.vault.requests")));
		assertThat(metric.statusCode()).as("Vault calls were observed: " + metric.body()).isEqualTo(200);
		assertThat(metric.body()).contains("\"COUNT\"");
		assertThat(sidecar.log()).doesNotContain(token).doesNotContain("Exception");
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
