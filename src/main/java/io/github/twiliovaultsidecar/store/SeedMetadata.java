package io.github.twiliovaultsidecar.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is recorded about a seed in the entry's custom metadata, never the secret. Stored under the
 * keys {@link CredentialFields} names ({@code source}, {@code seeded_by}, {@code verified_at},
 * {@code fingerprint}), plus {@code verified=false} when a seed skipped the live check. Each value is
 * {@code null} when not recorded.
 *
 * @param source where the credential came from: {@code admin-api}, {@code cli}, {@code subaccount-sync}
 * @param seededBy the Vault display name of who wrote it
 * @param verifiedAt when Twilio last accepted it (RFC 3339, seconds precision); {@code null} when the
 * seed skipped the check
 * @param fingerprint the first 12 hex characters of the secret's SHA-256
 */
public record SeedMetadata(String source, String seededBy, String verifiedAt, String fingerprint) {

	/** Records nothing. */
	public static final SeedMetadata NONE = new SeedMetadata(null, null, null, null);

	/** @return whether nothing is recorded */
	public boolean isEmpty() {
		return this.source == null && this.seededBy == null && this.verifiedAt == null && this.fingerprint == null;
	}

	/** @return the custom metadata to write: the recorded values, and {@code verified=false} without {@code verified_at} */
	Map<String, String> customMetadata() {
		Map<String, String> custom = new LinkedHashMap<>();
		if (isEmpty()) {
			return custom;
		}
		put(custom, CredentialFields.META_SOURCE, this.source);
		put(custom, CredentialFields.META_SEEDED_BY, this.seededBy);
		if (this.verifiedAt != null) {
			custom.put(CredentialFields.META_VERIFIED_AT, this.verifiedAt);
		}
		else {
			custom.put(CredentialFields.META_UNVERIFIED, "false");
		}
		put(custom, CredentialFields.META_FINGERPRINT, this.fingerprint);
		return custom;
	}

	/** @return what {@code custom} records of a seed */
	static SeedMetadata of(Map<String, String> custom) {
		return new SeedMetadata(custom.get(CredentialFields.META_SOURCE), custom.get(CredentialFields.META_SEEDED_BY),
				custom.get(CredentialFields.META_VERIFIED_AT), custom.get(CredentialFields.META_FINGERPRINT));
	}

	private static void put(Map<String, String> custom, String key, String value) {
		if (value != null) {
			custom.put(key, value);
		}
	}

}
