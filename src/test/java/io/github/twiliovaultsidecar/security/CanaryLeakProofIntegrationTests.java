package io.github.twiliovaultsidecar.security;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.github.twiliovaultsidecar.masking.SecretMasking;
import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.LeakDetector;
import io.github.twiliovaultsidecar.support.LeakDetector.Finding;
import io.github.twiliovaultsidecar.support.LogCapture;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the canary suite's check can fail: a test-only endpoint, registered only in this class's
 * context, leaks a stored canary in each way the suite looks for (the whole token in a body, its
 * Basic-auth base64 form in a header, a 16-character piece in a body, a 16-character piece in a log
 * line) and the same capture and detector the suite uses report every one. The endpoint is a nested
 * class of a test class, which Spring Boot's test type filter keeps out of every other context's
 * component scan.
 */
@RealVault
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(CanaryLeakProofIntegrationTests.LeakyEndpoint.class)
class CanaryLeakProofIntegrationTests {

	private static final String ACCOUNT = TestSids.accountSid();

	private static final String TOKEN = TestSids.authToken();

	private static final LeakDetector detector = new LeakDetector().add("leaked ie1 token", ACCOUNT, TOKEN);

	private static LogCapture logs;

	@LocalServerPort
	int port;

	private CapturingCaller caller;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		VaultServer vault = VaultServer.shared();
		registry.add("spring.cloud.vault.uri", vault::address);
		registry.add("spring.cloud.vault.token", vault::rootToken);
	}

	@BeforeAll
	static void seed(VaultServer vault) {
		CredentialStore.vault(vault.rootTemplate(), new VaultLayout(vault.enableKv2("twilio"), ""))
			.write(CredentialKey.of(ACCOUNT, "ie1"), Map.of("auth_token", TOKEN), SeedMetadata.NONE, 0);
	}

	@BeforeEach
	void setUp() {
		this.caller = new CapturingCaller("http://127.0.0.1:" + this.port);
		if (logs == null || !logs.attached()) {
			logs = LogCapture.attach();
		}
	}

	@AfterAll
	static void detach() {
		if (logs != null) {
			logs.close();
		}
	}

	@Test
	void theWholeStoredTokenInAResponseBodyIsFound() {
		assertThat(leaks("whole")).extracting(Finding::form).containsExactly("secret");
	}

	@Test
	void theBasicAuthFormInAResponseHeaderIsFound() {
		assertThat(leaks("basic-header")).extracting(Finding::form).containsExactly("basic");
	}

	@Test
	void aSixteenCharacterPieceInAResponseBodyIsFound() {
		assertThat(leaks("window")).extracting(Finding::form).containsExactly("secret-window");
	}

	@Test
	void aSixteenCharacterPieceInALogLineIsFoundInTheCapturedLog() {
		HttpResponse<String> response = this.caller.send("GET", "/test-only/leak/" + ACCOUNT + "/ie1/log", null);
		assertThat(response.statusCode()).isEqualTo(200);
		List<Finding> findings = detector.findings(Map.of("log", logs.text()));
		assertThat(findings).singleElement().satisfies(finding -> {
			assertThat(finding.form()).isEqualTo("secret-window");
			assertThat(finding.excerpt()).contains("leaky endpoint logged");
		});
	}

	@Test
	void theWholeTokenLoggedIsMaskedBeforeItIsWrittenSoOnlyThePieceAboveIsFound() {
		this.caller.send("GET", "/test-only/leak/" + ACCOUNT + "/ie1/log-whole", null);
		assertThat(logs.text()).contains("leaky endpoint logged the whole token " + SecretMasking.MASK);
		assertThat(logs.text()).doesNotContain(TOKEN);
	}

	private List<Finding> leaks(String form) {
		HttpResponse<String> response = this.caller.send("GET", "/test-only/leak/" + ACCOUNT + "/ie1/" + form, null);
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, String> sources = new LinkedHashMap<>();
		StringBuilder headers = new StringBuilder();
		response.headers().map().forEach((name, values) -> headers.append(name).append(": ").append(values).append('\n'));
		sources.put("response headers", headers.toString());
		sources.put("response body", response.body());
		return detector.findings(sources);
	}

	/** Leaks the stored credential on purpose. Test-only; registered by {@code @Import} above alone. */
	@RestController
	static class LeakyEndpoint {

		private final CredentialCache credentials;

		LeakyEndpoint(CredentialCache credentials) {
			this.credentials = credentials;
		}

		@GetMapping("/test-only/leak/{account}/{region}/{form}")
		Mono<ResponseEntity<String>> leak(@PathVariable String account, @PathVariable String region,
				@PathVariable String form) {
			return this.credentials.get(CredentialKey.of(account, region)).map(credential -> {
				String token = credential.secret().reveal();
				return switch (form) {
					case "whole" -> ResponseEntity.ok("{\"token\":\"" + token + "\"}");
					case "window" -> ResponseEntity.ok("{\"hint\":\"" + token.substring(8, 24) + "\"}");
					case "basic-header" -> ResponseEntity.ok()
						.header("X-Debug-Authorization", credential.basicAuthorization())
						.body("{}");
					case "log" -> {
						LoggerFactory.getLogger(LeakyEndpoint.class)
							.warn("leaky endpoint logged {}", token.substring(4, 22));
						yield ResponseEntity.ok("{}");
					}
					case "log-whole" -> {
						LoggerFactory.getLogger(LeakyEndpoint.class)
							.warn("leaky endpoint logged the whole token {}", token);
						yield ResponseEntity.ok("{}");
					}
					default -> ResponseEntity.badRequest().body("{}");
				};
			});
		}

	}

}
