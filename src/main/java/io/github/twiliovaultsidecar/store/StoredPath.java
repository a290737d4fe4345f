package io.github.twiliovaultsidecar.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * An entry found by listing the mount: the two folder names exactly as stored, which may not be a
 * valid Account SID or region when a person typed them in the Vault UI.
 *
 * @param account the first path segment
 * @param region the second path segment
 */
public record StoredPath(String account, String region) implements Comparable<StoredPath> {

	/** @return {@code <account>/<region>} */
	public String relativePath() {
		return this.account + "/" + this.region;
	}

	/** @return whether both segments are valid: an Account SID and a region code */
	public boolean isCredentialPath() {
		return AccountSid.isValid(this.account) && Region.isValid(this.region);
	}

	/** @return the key, empty when the folders are not an Account SID and a region code */
	public Optional<CredentialKey> credentialKey() {
		return isCredentialPath() ? Optional.of(CredentialKey.of(this.account, this.region)) : Optional.empty();
	}

	/**
	 * @param layout for the path in the error message
	 * @return the key (upper-case account hex is accepted)
	 * @throws CredentialStoreException.Malformed naming the folder that is not an Account SID or region code
	 */
	CredentialKey key(VaultLayout layout) {
		List<String> problems = new ArrayList<>();
		if (!AccountSid.isValid(this.account)) {
			problems.add("folder '" + this.account + "' is not an Account SID (AC followed by 32 hex digits)");
		}
		if (!Region.isValid(this.region)) {
			problems.add("folder '" + this.region + "' is not a Twilio region code (such as us1, ie1, au1)");
		}
		if (!problems.isEmpty()) {
			throw new CredentialStoreException.Malformed(layout.displayPath(relativePath()), problems);
		}
		return CredentialKey.of(this.account, this.region);
	}

	@Override
	public int compareTo(StoredPath other) {
		return relativePath().compareTo(other.relativePath());
	}

	@Override
	public String toString() {
		return relativePath();
	}

}
