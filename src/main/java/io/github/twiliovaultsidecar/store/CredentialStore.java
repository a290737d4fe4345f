package io.github.twiliovaultsidecar.store;

import java.util.Map;
import java.util.Optional;

import org.springframework.vault.core.VaultOperations;

/**
 * Regional Twilio credentials kept in a KV v2 store at {@code <account>/<region>}: the
 * {@link CredentialReader} and {@link CredentialWriter} of one Vault token together. Features take
 * the narrower of the two; the whole store is what {@link #vault} hands out for one token.
 */
public interface CredentialStore extends CredentialReader, CredentialWriter {

	/**
	 * @param vault the Vault client, authenticated with the token whose policy should decide
	 * @param layout mount and prefix
	 * @return the store on that Vault's KV v2 mount
	 */
	static CredentialStore vault(VaultOperations vault, VaultLayout layout) {
		return new VaultCredentialStore(vault, layout);
	}

	/**
	 * @param path an entry as {@link #list()} returned it
	 * @return the entry's latest secret data as stored, for checks that report problems by key name
	 * (never log or return a value); empty when it cannot be read
	 */
	Optional<Map<String, ?>> storedData(StoredPath path);

	/**
	 * Checks that the store can be reached and the token is valid, without touching any entry.
	 * @throws CredentialStoreException.Unavailable when it cannot
	 */
	default void ping() {
		list();
	}

}
