package io.github.twiliovaultsidecar.store;

import java.util.List;

/**
 * The secret data keys of an entry, as people type them in the Vault UI. This is the contract with
 * people seeding through the UI: do not rename.
 */
public final class CredentialFields {

	public static final String AUTH_TOKEN = "auth_token";

	public static final String API_KEY_SID = "api_key_sid";

	public static final String API_KEY_SECRET = "api_key_secret";

	public static final String EDGE = "edge";

	/** Every key the store reads; anything else is ignored (and reported by the inventory). */
	public static final List<String> ALL = List.of(AUTH_TOKEN, API_KEY_SID, API_KEY_SECRET, EDGE);

	/** Custom metadata keys written on seed. Never the secret itself. */
	public static final String META_SOURCE = "source";

	public static final String META_SEEDED_BY = "seeded_by";

	public static final String META_VERIFIED_AT = "verified_at";

	public static final String META_FINGERPRINT = "fingerprint";

	/** Custom metadata a seed writes ({@code verified=false}) when it skipped the live check; removed once a check passed. */
	public static final String META_UNVERIFIED = "verified";

	private CredentialFields() {
	}

}
