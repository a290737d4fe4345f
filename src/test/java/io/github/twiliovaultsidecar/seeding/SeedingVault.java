package io.github.twiliovaultsidecar.seeding;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.OptionalLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers over the real Vault: policies, tokens with display names, raw reads of what is stored. */
final class SeedingVault {

	/** A seeder's policy as the contract describes it: write data, manage metadata, look itself up. */
	static final String SEEDER_POLICY = """
			path "twilio/data/+/+" { capabilities = ["create", "update"] }
			path "twilio/metadata/*" { capabilities = ["create", "update", "read", "list"] }
			path "twilio/metadata" { capabilities = ["list"] }
			path "auth/token/lookup-self" { capabilities = ["read"] }
			""";

	/** Can look at metadata but write nothing. */
	static final String READER_POLICY = """
			path "twilio/metadata/*" { capabilities = ["read", "list"] }
			path "auth/token/lookup-self" { capabilities = ["read"] }
			""";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final VaultServer vault;

	SeedingVault(VaultServer vault) {
		this.vault = vault;
	}

	/** @return a new token with the policy (loaded under {@code name}) and display name */
	String token(String name, String policy, String displayName) {
		HttpResponse<String> put = this.vault.http("PUT", "sys/policies/acl/" + name,
				JSON.writeValueAsString(Map.of("policy", policy)));
		assertThat(put.statusCode()).as(put.body()).isBetween(200, 204);
		HttpResponse<String> created = this.vault.http("POST", "auth/token/create", JSON.writeValueAsString(
				Map.of("policies", java.util.List.of(name), "display_name", displayName, "ttl", "1h")));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
		return JSON.readTree(created.body()).path("auth").path("client_token").asString();
	}

	/** @return the entry's KV metadata as Vault returns it, or {@code null} when the path holds nothing */
	JsonNode metadata(String relativePath) {
		HttpResponse<String> response = this.vault.http("GET", "twilio/metadata/" + relativePath, null);
		if (response.statusCode() == 404) {
			return null;
		}
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).path("data");
	}

	/** @return the current version, empty when the path holds nothing */
	OptionalLong currentVersion(String relativePath) {
		JsonNode meta = metadata(relativePath);
		return (meta == null) ? OptionalLong.empty() : OptionalLong.of(meta.path("current_version").asLong());
	}

	/** @return the latest secret data */
	JsonNode data(String relativePath) {
		HttpResponse<String> response = this.vault.http("GET", "twilio/data/" + relativePath, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).path("data").path("data");
	}

	/** Writes secret data the way the Vault UI does: a raw KV v2 write with the root token. */
	void writeRaw(String relativePath, String dataJson) {
		HttpResponse<String> response = this.vault.http("POST", "twilio/data/" + relativePath,
				"{\"data\":" + dataJson + "}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

}
