package io.github.twiliovaultsidecar.seeding;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a seed or verify answers: where the credential is, which version, its fingerprint and when it
 * was verified. Holds no secret.
 *
 * @param path the Vault path as people see it, e.g. {@code twilio/AC…/ie1}
 * @param account the Account SID
 * @param region the region code
 * @param kind {@code auth_token} or {@code api_key}
 * @param edge the stored edge, {@code null} for none
 * @param version the KV version written or checked
 * @param fingerprint first 12 hex characters of the secret's SHA-256
 * @param verified whether Twilio accepted the credential in this action
 * @param verifiedAt when it was verified (RFC 3339), {@code null} when not
 * @param source {@code admin-api}, {@code cli} or {@code subaccount-sync}, {@code null} for a verify
 * @param seededBy the Vault display name of the caller
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SeedResult(String path, String account, String region, String kind, String edge, long version,
		String fingerprint, boolean verified, @JsonProperty("verified_at") String verifiedAt, String source,
		@JsonProperty("seeded_by") String seededBy) {

	/** @return the human summary the CLI prints */
	String summary(String verb) {
		StringBuilder out = new StringBuilder();
		out.append(verb).append(' ').append(this.path).append(" version ").append(this.version).append('\n');
		line(out, "kind", this.kind);
		line(out, "edge", this.edge);
		line(out, "fingerprint", this.fingerprint);
		line(out, "verified_at", (this.verifiedAt != null) ? this.verifiedAt : "not verified");
		line(out, "source", this.source);
		line(out, "seeded_by", this.seededBy);
		return out.toString();
	}

	private static void line(StringBuilder out, String name, String value) {
		if (value != null) {
			out.append(String.format("  %-12s %s%n", name, value));
		}
	}

}
