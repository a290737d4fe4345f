package io.github.twiliovaultsidecar.store;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Regional Twilio credentials kept in a KV v2 store at {@code <account>/<region>}. Every method
 * either succeeds or throws a {@link CredentialStoreException}; none returns a secret in a message.
 */
public interface CredentialStore {

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

	/**
	 * Writes a new version with check-and-set, then records custom metadata (never a secret).
	 * @param data secret data keys and values, see {@link CredentialFields}
	 * @param customMetadata metadata to record, may be empty
	 * @param cas the version the writer knows: 0 to create only when nothing exists
	 * @return the new version
	 * @throws CredentialStoreException.Conflict when {@code cas} is not the current version
	 */
	long write(CredentialKey key, Map<String, String> data, Map<String, String> customMetadata, long cas);

	/**
	 * Lists every entry under the mount and prefix, two levels deep, including folders that are not
	 * Account SIDs or region codes (so an inventory can report them).
	 * @return the entries, sorted
	 */
	List<StoredPath> list();

	/**
	 * @param path an entry as {@link #list()} returned it
	 * @return its metadata, empty when the path holds nothing
	 */
	java.util.Optional<EntryMetadata> metadata(StoredPath path);

	/**
	 * Checks that the store can be reached and the service's credentials to it are valid, without
	 * touching any entry.
	 * @throws CredentialStoreException.Unavailable when it cannot
	 */
	default void ping() {
		list();
	}

}
