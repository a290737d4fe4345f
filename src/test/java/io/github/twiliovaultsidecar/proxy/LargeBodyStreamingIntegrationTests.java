package io.github.twiliovaultsidecar.proxy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.SidecarProcess;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.TwilioStandIn;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/** 50 MiB bodies pass through both ways while the service's heap is capped at 128 MiB. */
@RealVault
class LargeBodyStreamingIntegrationTests {

	private static final long FIFTY_MIB = 50L * 1024 * 1024;

	private static TwilioStandIn twilio;

	private static SidecarProcess sidecar;

	private static String account;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start(VaultServer vault) throws Exception {
		twilio = TwilioStandIn.start();
		account = TestSids.accountSid();
		String token = TestSids.authToken();
		vault.enableKv2("twilio");
		CredentialStore.vault(vault.rootTemplate(), new VaultLayout("twilio", ""))
			.write(CredentialKey.of(account, "ie1"), Map.of("auth_token", token), SeedMetadata.NONE, 0);
		twilio.authToken(account, "ie1", token);
		sidecar = SidecarProcess.start(List.of("-Xmx128m"), vault, twilio,
				Map.of("sidecar.proxy.max-request-body", "64MB"));
	}

	@AfterAll
	static void stop() throws Exception {
		SidecarProcess.closeAll(sidecar, twilio);
	}

	@Test
	void aFiftyMebibyteDownloadStreamsThrough() throws Exception {
		HttpResponse<InputStream> response = this.http.send(
				HttpRequest.newBuilder(URI.create(sidecar.baseUrl() + "/api.dublin.ie1.twilio.com/test-only/" + account
						+ "/download/" + FIFTY_MIB + ".bin"))
					.header("X-Twilio-Account-Sid", account)
					.build(),
				HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		long total = 0;
		try (InputStream body = response.body()) {
			byte[] buffer = new byte[64 * 1024];
			int n;
			while ((n = body.read(buffer)) > 0) {
				total += n;
			}
		}
		assertThat(total).isEqualTo(FIFTY_MIB);
		assertThat(sidecar.isAlive()).isTrue();
		assertThat(sidecar.log()).doesNotContain("OutOfMemoryError");
	}

	@Test
	void aFiftyMebibyteUploadStreamsThroughWithAndWithoutALength() throws Exception {
		for (boolean known : new boolean[] { true, false }) {
			HttpRequest.BodyPublisher body = known ? HttpRequest.BodyPublishers.fromPublisher(zeros(), FIFTY_MIB)
					: HttpRequest.BodyPublishers.fromPublisher(zeros());
			HttpResponse<String> response = this.http.send(HttpRequest
				.newBuilder(URI.create(sidecar.baseUrl() + "/api.dublin.ie1.twilio.com/test-only/" + account + "/upload"))
				.header("X-Twilio-Account-Sid", account)
				.header("Content-Type", "application/octet-stream")
				.POST(body)
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
			assertThat(response.body()).contains("\"received\":" + FIFTY_MIB);
		}
		assertThat(sidecar.isAlive()).isTrue();
		assertThat(sidecar.log()).doesNotContain("OutOfMemoryError");
	}

	/** 50 MiB of zeros, produced on demand in 64 KiB chunks. */
	private static Flow.Publisher<ByteBuffer> zeros() {
		return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {

			private long sent;

			private boolean done;

			@Override
			public synchronized void request(long n) {
				for (long i = 0; i < n && !this.done; i++) {
					int size = (int) Math.min(64 * 1024, FIFTY_MIB - this.sent);
					if (size == 0) {
						this.done = true;
						subscriber.onComplete();
						return;
					}
					this.sent += size;
					subscriber.onNext(ByteBuffer.allocate(size));
				}
			}

			@Override
			public void cancel() {
				this.done = true;
			}
		});
	}

}
