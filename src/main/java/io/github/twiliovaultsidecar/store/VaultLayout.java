package io.github.twiliovaultsidecar.store;

/**
 * Where credentials live in Vault: a KV v2 mount and an optional prefix inside it. With mount
 * {@code twilio} and no prefix, the entry for {@code AC…/ie1} is read from {@code twilio/data/AC…/ie1};
 * with mount {@code secret} and prefix {@code twilio/}, from {@code secret/data/twilio/AC…/ie1}.
 *
 * @param mount KV v2 mount path without slashes at either end
 * @param prefix empty, or a folder path ending in {@code /}
 */
public record VaultLayout(String mount, String prefix) {

	public VaultLayout {
		if (mount == null || mount.isBlank() || mount.startsWith("/") || mount.endsWith("/")) {
			throw new IllegalArgumentException(
					"sidecar.vault.mount must be a KV v2 mount path without leading or trailing '/', got '" + mount + "'");
		}
		prefix = (prefix == null) ? "" : prefix;
		if (prefix.startsWith("/")) {
			throw new IllegalArgumentException("sidecar.vault.prefix must not start with '/', got '" + prefix + "'");
		}
		if (!prefix.isEmpty() && !prefix.endsWith("/")) {
			prefix = prefix + "/";
		}
	}

	/** @return the API path of the secret data, e.g. {@code twilio/data/AC…/ie1} */
	String dataPath(CredentialKey key) {
		return dataPath(key.relativePath());
	}

	/** @return the API path of the secret data for a path relative to mount and prefix */
	String dataPath(String relativePath) {
		return this.mount + "/data/" + this.prefix + relativePath;
	}

	/** @return the API path of the metadata for a path relative to mount and prefix */
	String metadataPath(String relativePath) {
		return this.mount + "/metadata/" + this.prefix + relativePath;
	}

	/** @return the path people see in the Vault UI and CLI, e.g. {@code twilio/AC…/ie1} */
	public String displayPath(String relativePath) {
		return this.mount + "/" + this.prefix + relativePath;
	}

	/** @return {@link #displayPath(String)} of a key */
	public String displayPath(CredentialKey key) {
		return displayPath(key.relativePath());
	}

}
