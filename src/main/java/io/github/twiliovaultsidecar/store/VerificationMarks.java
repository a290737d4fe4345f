package io.github.twiliovaultsidecar.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.vault.core.VaultOperations;

/**
 * Records the outcome of checking a stored credential against Twilio in the entry's custom
 * metadata, with the service's own token: a KV v2 metadata PATCH (JSON merge patch), so the keys other writers put there
 * ({@code source}, {@code seeded_by}) are kept and no secret data is touched. Needs the {@code patch}
 * capability on {@code <mount>/metadata/<account>/<region>}; without it Vault answers 403 and nothing
 * changes.
 */
public final class VerificationMarks {

	/** Custom metadata: the outcome of the last check ({@code verified}, {@code rejected}…). */
	public static final String META_OUTCOME = "verification_outcome";

	/** Custom metadata: when the last check ended (RFC 3339). */
	public static final String META_CHECKED_AT = "verification_checked_at";

	private static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");

	private final VaultOperations vault;

	private final VaultLayout layout;

	/**
	 * @param vault Vault with the service's own token
	 * @param layout mount and prefix
	 */
	public VerificationMarks(VaultOperations vault, VaultLayout layout) {
		this.vault = vault;
		this.layout = layout;
	}

	/**
	 * Records one check: {@code verification_outcome} and {@code verification_checked_at} always; when
	 * Twilio accepted the credential also {@code verified_at} and {@code fingerprint}, removing
	 * {@code verified=false}, as a seed that verified would have left them.
	 * @param outcome e.g. {@code verified}, {@code rejected}
	 * @param checkedAt RFC 3339, seconds precision
	 * @param verifiedFingerprint the checked secret's fingerprint when Twilio accepted it, else empty
	 * @throws CredentialStoreException.AccessDenied when the service's policy may not patch the metadata
	 * @throws CredentialStoreException.Unavailable when Vault fails
	 */
	public void record(CredentialKey key, String outcome, String checkedAt, Optional<String> verifiedFingerprint) {
		Map<String, String> custom = new HashMap<>();
		custom.put(META_OUTCOME, outcome);
		custom.put(META_CHECKED_AT, checkedAt);
		verifiedFingerprint.ifPresent(fingerprint -> {
			custom.put(CredentialFields.META_VERIFIED_AT, checkedAt);
			custom.put(CredentialFields.META_FINGERPRINT, fingerprint);
			custom.put(CredentialFields.META_UNVERIFIED, null);
		});
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MERGE_PATCH);
		HttpEntity<Map<String, Object>> body = new HttpEntity<>(Map.of("custom_metadata", custom), headers);
		String path = this.layout.metadataPath(key.relativePath());
		try {
			this.vault.doWithSession(rest -> rest.exchange(path, HttpMethod.PATCH, body, Map.class));
		}
		catch (RuntimeException ex) {
			throw VaultErrors.translate(this.layout.displayPath(key), "patch metadata", ex);
		}
	}

}
