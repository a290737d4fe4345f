package io.github.twiliovaultsidecar.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What seeding writes and lists through, acting with one Vault token (a person's, so Vault's policy
 * decides). Every method either succeeds or throws a {@link CredentialStoreException}; none returns
 * a secret in a message.
 */
public interface CredentialWriter {

	/**
	 * Writes a new version with check-and-set, then records its seed metadata (never a secret).
	 * @param data secret data keys and values, see {@link CredentialFields}
	 * @param metadata what to record about the seed, {@link SeedMetadata#NONE} to record nothing
	 * @param cas the version the writer knows: 0 to create only when nothing exists
	 * @return the new version
	 * @throws CredentialStoreException.Conflict when {@code cas} is not the current version
	 */
	long write(CredentialKey key, Map<String, String> data, SeedMetadata metadata, long cas);

	/**
	 * Records that Twilio accepted the stored credential: {@code verified_at} and {@code fingerprint}
	 * set, the {@code verified=false} mark removed, every other custom metadata key kept.
	 * @param verifiedAt RFC 3339, seconds precision
	 * @return the seed metadata recorded now
	 * @throws CredentialStoreException.AccessDenied when the token may not update the metadata
	 */
	SeedMetadata recordVerified(CredentialKey key, String verifiedAt, String fingerprint);

	/**
	 * @return whether the token may create or update the secret data of {@code key}, as Vault's
	 * {@code sys/capabilities-self} says, so a refused writer can be told before anything else is done
	 */
	boolean mayWrite(CredentialKey key);

	/** @return the entry's metadata (no secret data is read), empty when nothing is stored */
	Optional<EntryMetadata> metadata(CredentialKey key);

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
	Optional<EntryMetadata> metadata(StoredPath path);

}
