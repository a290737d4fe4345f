package io.github.twiliovaultsidecar.store;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.twiliovaultsidecar.support.MutableClock;
import io.github.twiliovaultsidecar.support.RealVault;
import io.github.twiliovaultsidecar.support.TestSids;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's contract against a real Vault server. Every test uses fresh random Account SIDs. */
@RealVault
class VaultCredentialStoreIntegrationTests {

	private VaultServer vault;

	private VaultCredentialStore store;

	private VaultLayout layout;

	@BeforeEach
	void setUp(VaultServer vault) {
		this.vault = vault;
		this.layout = new VaultLayout(vault.enableKv2("twilio"), "");
		this.store = new VaultCredentialStore(vault.rootTemplate(), this.layout);
	}

	@Test
	void writeThenReadReturnsTheCredentialAndItsVersion() {
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");
		String token = TestSids.authToken();
		long version = this.store.write(key, Map.of("auth_token", token, "edge", "dublin"),
				new SeedMetadata("admin-api", null, null, "abc"), 0);
		RegionalCredential credential = this.store.read(key);
		assertThat(version).isEqualTo(1);
		assertThat(credential.version()).isEqualTo(1);
		assertThat(credential.secret().reveal()).isEqualTo(token);
		assertThat(credential.edge()).hasValueSatisfying(edge -> assertThat(edge.name()).isEqualTo("dublin"));
		assertThat(this.store.metadata(new StoredPath(key.account().value(), "ie1")))
			.hasValueSatisfying(meta -> assertThat(meta.customMetadata()).containsEntry("source", "admin-api")
				.doesNotContainValue(token));
	}

	@Test
	void readsAnEarlierVersionByNumber() {
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");
		String first = TestSids.authToken();
		String second = TestSids.authToken();
		this.store.write(key, Map.of("auth_token", first), SeedMetadata.NONE, 0);
		this.store.write(key, Map.of("auth_token", second), SeedMetadata.NONE, 1);
		RegionalCredential earlier = this.store.read(key, 1);
		assertThat(earlier.version()).isEqualTo(1);
		assertThat(earlier.secret().reveal()).isEqualTo(first);
		assertThat(this.store.read(key, 2).secret().reveal()).isEqualTo(second);
		assertThatThrownBy(() -> this.store.read(key, 3)).isInstanceOf(CredentialStoreException.NotFound.class)
			.hasMessageContaining("version 3");
		assertThat(this.vault.http("POST", "twilio/delete/" + key.relativePath(), "{\"versions\":[1]}").statusCode())
			.isEqualTo(204);
		assertThatThrownBy(() -> this.store.read(key, 1)).isInstanceOf(CredentialStoreException.NotFound.class);
	}

	@Test
	void aSecondWriterWithAStaleCasGetsATypedConflict() {
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "au1");
		this.store.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0);
		this.store.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 1);
		assertThatThrownBy(() -> this.store.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 1))
			.isInstanceOfSatisfying(CredentialStoreException.Conflict.class,
					ex -> assertThat(ex.status()).isEqualTo(409));
		assertThatThrownBy(() -> this.store.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0))
			.isInstanceOf(CredentialStoreException.Conflict.class);
		assertThat(this.store.currentVersion(key)).hasValue(2);
	}

	@Test
	void listFindsEveryAccountAndRegion() {
		String first = TestSids.accountSid();
		String second = TestSids.accountSid();
		for (String path : new String[] { first + "/us1", first + "/ie1", second + "/au1" }) {
			String[] parts = path.split("/");
			this.store.write(CredentialKey.of(parts[0], parts[1]), Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0);
		}
		assertThat(this.store.list()).contains(new StoredPath(first, "us1"), new StoredPath(first, "ie1"),
				new StoredPath(second, "au1"));
	}

	@Test
	void readsASecretWrittenTheWayTheVaultUiWritesIt() {
		String account = TestSids.accountSid();
		String token = TestSids.authToken();
		HttpResponse<String> response = this.vault.http("POST", "twilio/data/" + account + "/ie1",
				"{\"data\":{\"auth_token\":\"" + token + "\",\"edge\":\"dublin\"},\"options\":{\"cas\":0}}");
		assertThat(response.statusCode()).isEqualTo(200);
		RegionalCredential credential = this.store.read(CredentialKey.of(account, "ie1"));
		assertThat(credential.secret().reveal()).isEqualTo(token);
		assertThat(credential.kind()).isEqualTo(CredentialKind.AUTH_TOKEN);
	}

	@Test
	void acceptsUpperCaseAccountHexAndStoresLowerCase() {
		String account = TestSids.accountSid();
		CredentialKey upper = CredentialKey.of("AC" + account.substring(2).toUpperCase(), "us1");
		this.store.write(upper, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0);
		assertThat(this.store.list()).contains(new StoredPath(account, "us1"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "token", "authToken", "AUTH_TOKEN" })
	void aMisnamedTokenKeyIsItsOwnClearError(String misnamed) {
		String account = TestSids.accountSid();
		String token = TestSids.authToken();
		uiWrite(account, "ie1", "{\"" + misnamed + "\":\"" + token + "\"}");
		assertThatThrownBy(() -> this.store.read(CredentialKey.of(account, "ie1")))
			.isInstanceOfSatisfying(CredentialStoreException.Malformed.class, ex -> assertThat(ex.problems())
				.containsExactly("key '" + misnamed + "' is not read; name it 'auth_token' (lower case, with underscores)"))
			.satisfies(ex -> assertThat(ex.getMessage()).doesNotContain(token));
	}

	@Test
	void anEmptyTokenIsAClearError() {
		String account = TestSids.accountSid();
		uiWrite(account, "ie1", "{\"auth_token\":\"  \"}");
		assertThatThrownBy(() -> this.store.read(CredentialKey.of(account, "ie1")))
			.isInstanceOfSatisfying(CredentialStoreException.Malformed.class,
					ex -> assertThat(ex.problems()).containsExactly("'auth_token' is empty"));
	}

	@Test
	void aBadApiKeySidIsAClearError() {
		String account = TestSids.accountSid();
		uiWrite(account, "au1", "{\"api_key_sid\":\"SK123\",\"api_key_secret\":\"value\"}");
		assertThatThrownBy(() -> this.store.read(CredentialKey.of(account, "au1")))
			.isInstanceOfSatisfying(CredentialStoreException.Malformed.class, ex -> assertThat(ex.problems())
				.containsExactly("'api_key_sid' is not an API key SID (SK followed by 32 hex digits)"));
	}

	@Test
	void anUnknownRegionFolderOrAccountFolderIsAClearError() {
		String account = TestSids.accountSid();
		uiWriteRaw(account + "/europe", "{\"auth_token\":\"" + TestSids.authToken() + "\"}");
		uiWriteRaw("team-a-" + TestSids.hex(6) + "/ie1", "{\"auth_token\":\"" + TestSids.authToken() + "\"}");
		StoredPath region = new StoredPath(account, "europe");
		assertThat(this.store.list()).contains(region);
		assertThat(region.isCredentialPath()).isFalse();
		assertThatThrownBy(() -> region.key(this.layout))
			.isInstanceOfSatisfying(CredentialStoreException.Malformed.class, ex -> assertThat(ex.problems())
				.containsExactly("folder 'europe' is not a Twilio region code (such as us1, ie1, au1)"));
		StoredPath folder = this.store.list()
			.stream()
			.filter(path -> path.account().startsWith("team-a-"))
			.findFirst()
			.orElseThrow();
		assertThatThrownBy(() -> folder.key(this.layout)).isInstanceOfSatisfying(
				CredentialStoreException.Malformed.class,
				ex -> assertThat(ex.problems().get(0)).contains("is not an Account SID"));
	}

	@Test
	void aMissingEntryIsNotFoundNamingThePath() {
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "jp1");
		assertThatThrownBy(() -> this.store.read(key))
			.isInstanceOfSatisfying(CredentialStoreException.NotFound.class, ex -> assertThat(ex.status()).isEqualTo(404))
			.hasMessageContaining("twilio/" + key.account().value() + "/jp1");
		assertThat(this.store.currentVersion(key)).isEmpty();
	}

	@Test
	void aSoftDeletedLatestVersionReadsAsMissing() {
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");
		this.store.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0);
		this.store.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 1);
		assertThat(this.vault.http("DELETE", "twilio/data/" + key.relativePath(), null).statusCode()).isEqualTo(204);
		assertThatThrownBy(() -> this.store.read(key)).isInstanceOf(CredentialStoreException.NotFound.class);
		assertThat(this.store.currentVersion(key)).isEmpty();
	}

	@Test
	void aDestroyedLatestVersionReadsAsMissing() {
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "au1");
		this.store.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0);
		assertThat(this.vault.http("POST", "twilio/destroy/" + key.relativePath(), "{\"versions\":[1]}").statusCode())
			.isEqualTo(204);
		assertThatThrownBy(() -> this.store.read(key)).isInstanceOf(CredentialStoreException.NotFound.class);
		assertThat(this.store.currentVersion(key)).isEmpty();
	}

	@Test
	void aNewVersionWrittenBehindTheServicesBackIsServedAfterTheRefreshInterval() {
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");
		this.store.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0);
		MutableClock clock = MutableClock.startingNow();
		CredentialCache cache = new CredentialCache(this.store, Duration.ofSeconds(30), Duration.ofMinutes(15), clock);
		assertThat(cache.get(key).block().version()).isEqualTo(1);
		String rotated = TestSids.authToken();
		uiWrite(key.account().value(), "ie1", "{\"auth_token\":\"" + rotated + "\"}");
		assertThat(cache.get(key).block().version()).isEqualTo(1);
		clock.advance(Duration.ofSeconds(30));
		RegionalCredential refreshed = cache.get(key).block();
		assertThat(refreshed.version()).isEqualTo(2);
		assertThat(refreshed.secret().reveal()).isEqualTo(rotated);
	}

	@Test
	void worksUnderAPrefixInsideAnotherMount() {
		String mount = this.vault.enableKv2("kv-" + TestSids.hex(8));
		VaultCredentialStore prefixed = new VaultCredentialStore(this.vault.rootTemplate(),
				new VaultLayout(mount, "twilio"));
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");
		prefixed.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0);
		assertThat(this.vault.http("GET", mount + "/data/twilio/" + key.relativePath(), null).statusCode())
			.isEqualTo(200);
		assertThat(prefixed.list()).containsExactly(new StoredPath(key.account().value(), "ie1"));
		assertThat(prefixed.read(key).version()).isEqualTo(1);
	}

	@Test
	void aTokenWithoutWriteAccessGetsAccessDenied() {
		String policy = "read-only-" + TestSids.hex(6);
		this.vault.http("PUT", "sys/policies/acl/" + policy,
				"{\"policy\":\"path \\\"twilio/data/*\\\" { capabilities = [\\\"read\\\"] }\"}");
		String token = (String) this.vault.rootTemplate()
			.write("auth/token/create", Map.of("policies", java.util.List.of(policy)))
			.getAuth()
			.get("client_token");
		VaultCredentialStore readOnly = new VaultCredentialStore(this.vault.template(token), this.layout);
		CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");
		assertThatThrownBy(() -> readOnly.write(key, Map.of("auth_token", TestSids.authToken()), SeedMetadata.NONE, 0))
			.isInstanceOfSatisfying(CredentialStoreException.AccessDenied.class,
					ex -> assertThat(ex.status()).isEqualTo(403));
	}

	@Test
	void anUnreachableVaultIsATypedUnavailableError() {
		VaultCredentialStore unreachable = new VaultCredentialStore(
				new org.springframework.vault.core.VaultTemplate(
						org.springframework.vault.client.VaultEndpoint.create("127.0.0.1", 1),
						new org.springframework.vault.authentication.TokenAuthentication("x")),
				this.layout);
		assertThatThrownBy(() -> unreachable.read(CredentialKey.of(TestSids.accountSid(), "ie1")))
			.isInstanceOfSatisfying(CredentialStoreException.Unavailable.class,
					ex -> assertThat(ex.status()).isEqualTo(503));
	}

	private void uiWrite(String account, String region, String dataJson) {
		uiWriteRaw(account + "/" + region, dataJson);
	}

	/** Writes as the Vault UI does: string values, the secret data wrapped in "data". */
	private void uiWriteRaw(String relativePath, String dataJson) {
		HttpResponse<String> response = this.vault.http("POST", "twilio/data/" + relativePath,
				"{\"data\":" + dataJson + "}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

}
