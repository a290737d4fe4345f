package io.github.twiliovaultsidecar.store;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the features that serve with credentials (proxy, webhook validation, verification) read:
 * credentials and their versions, keyed by {@link CredentialKey}. Every method either succeeds or
 * throws a {@link CredentialStoreException}; none returns a secret in a message.
 */
public interface CredentialReader {

	/**
	 * @return the latest version of the credential
	 * @throws CredentialStoreException.NotFound when nothing is stored, or the latest version is deleted or destroyed
	 * @throws CredentialStoreException.Malformed when the entry cannot be used
	 */
	RegionalCredential read(CredentialKey key);

	/**
	 * Reads one version of the credential, e.g. the one before the latest during a rotation. A store
	 * that keeps no history holds only its latest version, which is what the default returns.
	 * @param version a KV version, 1 or more
	 * @return that version of the credential
	 * @throws CredentialStoreException.NotFound when that version does not exist, or is deleted or destroyed
	 * @throws CredentialStoreException.Malformed when that version cannot be used
	 */
	default RegionalCredential read(CredentialKey key, long version) {
		RegionalCredential latest = read(key);
		if (latest.version() != version) {
			throw new CredentialStoreException.NotFound(key + " version " + version);
		}
		return latest;
	}

	/**
	 * A metadata-only read, cheaper than {@link #read} and never touching secret data.
	 * @return the current version, empty when nothing is stored or the current version is deleted or destroyed
	 */
	OptionalLong currentVersion(CredentialKey key);

	/** @return the entry's metadata (no secret data is read), empty when nothing is stored */
	Optional<EntryMetadata> metadata(CredentialKey key);

}
