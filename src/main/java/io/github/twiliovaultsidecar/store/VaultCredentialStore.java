package io.github.twiliovaultsidecar.store;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.support.VaultResponse;

/**
 * {@link CredentialStore} on a Vault KV v2 mount, through the Vault HTTP API paths
 * ({@code <mount>/data/…}, {@code <mount>/metadata/…}) so that what people type in the Vault UI and
 * what this store writes are the same thing. Which token is used (the service's, or a person's for
 * seeding) is decided by the {@link VaultOperations} it is given.
 */
final class VaultCredentialStore implements CredentialStore {

	private final VaultOperations vault;

	private final VaultLayout layout;

	/**
	 * @param vault the Vault client, authenticated with the token whose policy should decide
	 * @param layout mount and prefix
	 */
	VaultCredentialStore(VaultOperations vault, VaultLayout layout) {
		this.vault = vault;
		this.layout = layout;
	}

	@Override
	public RegionalCredential read(CredentialKey key) {
		return read(key, this.layout.displayPath(key), this.layout.dataPath(key));
	}

	/** Reads {@code <mount>/data/<path>?version=N}, the KV v2 API for one version. */
	@Override
	public RegionalCredential read(CredentialKey key, long version) {
		if (version < 1) {
			throw new IllegalArgumentException("KV versions start at 1, got " + version);
		}
		return read(key, this.layout.displayPath(key) + " (version " + version + ")",
				this.layout.dataPath(key) + "?version=" + version);
	}

	private RegionalCredential read(CredentialKey key, String display, String apiPath) {
		VaultResponse response = call(display, "read", () -> this.vault.read(apiPath));
		Map<String, Object> body = (response != null) ? response.getData() : null;
		if (body == null || !(body.get("data") instanceof Map<?, ?> data) || !(body.get("metadata") instanceof Map<?, ?> meta)) {
			throw new CredentialStoreException.NotFound(display);
		}
		if (isDeleted(meta)) {
			throw new CredentialStoreException.NotFound(display);
		}
		return CredentialEntries.parse(key, display, stringKeys(data), number(meta.get("version")));
	}

	@Override
	public OptionalLong currentVersion(CredentialKey key) {
		return metadata(key.relativePath())
			.filter(meta -> !meta.currentDeleted() && meta.currentVersion() > 0)
			.map(meta -> OptionalLong.of(meta.currentVersion()))
			.orElse(OptionalLong.empty());
	}

	@Override
	public long write(CredentialKey key, Map<String, String> data, SeedMetadata metadata, long cas) {
		String display = this.layout.displayPath(key);
		Map<String, Object> request = Map.of("data", data, "options", Map.of("cas", cas));
		VaultResponse response;
		try {
			response = this.vault.write(this.layout.dataPath(key), request);
		}
		catch (RuntimeException ex) {
			if (VaultErrors.isCasMismatch(ex)) {
				throw new CredentialStoreException.Conflict(display, cas);
			}
			throw VaultErrors.translate(display, "write", ex);
		}
		long version = number(response.getData().get("version"));
		if (!metadata.isEmpty()) {
			writeCustomMetadata(key, metadata.customMetadata());
		}
		return version;
	}

	/** Reads the custom metadata and writes it back whole (as Vault replaces it), so any token with {@code update} may do it. */
	@Override
	public SeedMetadata recordVerified(CredentialKey key, String verifiedAt, String fingerprint) {
		Map<String, String> custom = new LinkedHashMap<>(
				metadata(key).map(EntryMetadata::customMetadata).orElse(Map.of()));
		custom.put(CredentialFields.META_VERIFIED_AT, verifiedAt);
		custom.put(CredentialFields.META_FINGERPRINT, fingerprint);
		custom.remove(CredentialFields.META_UNVERIFIED);
		writeCustomMetadata(key, custom);
		return SeedMetadata.of(custom);
	}

	private void writeCustomMetadata(CredentialKey key, Map<String, String> custom) {
		call(this.layout.displayPath(key), "write metadata",
				() -> this.vault.write(this.layout.metadataPath(key.relativePath()), Map.of("custom_metadata", custom)));
	}

	@Override
	public boolean mayWrite(CredentialKey key) {
		String path = this.layout.dataPath(key);
		VaultResponse response = call(path, "capabilities check",
				() -> this.vault.write("sys/capabilities-self", Map.of("paths", List.of(path))));
		Object capabilities = (response != null && response.getData() != null) ? response.getData().get(path) : null;
		if (!(capabilities instanceof List<?> list)) {
			return true;
		}
		return list.contains("root") || list.contains("create") || list.contains("update");
	}

	/** Looks up the store's own Vault token ({@code auth/token/lookup-self}), which every token may do. */
	@Override
	public void ping() {
		call("auth/token/lookup-self", "token lookup", () -> this.vault.read("auth/token/lookup-self"));
	}

	@Override
	public List<StoredPath> list() {
		String root = this.layout.metadataPath("");
		List<StoredPath> paths = new ArrayList<>();
		for (String account : call(this.layout.displayPath(""), "list", () -> this.vault.list(root))) {
			if (!account.endsWith("/")) {
				continue;
			}
			String folder = account.substring(0, account.length() - 1);
			for (String region : call(this.layout.displayPath(account), "list",
					() -> this.vault.list(root + account))) {
				if (!region.endsWith("/")) {
					paths.add(new StoredPath(folder, region));
				}
			}
		}
		Collections.sort(paths);
		return paths;
	}

	@Override
	public Optional<EntryMetadata> metadata(StoredPath path) {
		return metadata(path.relativePath());
	}

	@Override
	public Optional<EntryMetadata> metadata(CredentialKey key) {
		return metadata(key.relativePath());
	}

	@Override
	public Optional<Map<String, ?>> storedData(StoredPath path) {
		try {
			VaultResponse response = this.vault.read(this.layout.dataPath(path.relativePath()));
			if (response != null && response.getData() != null
					&& response.getData().get("data") instanceof Map<?, ?> data) {
				return Optional.of(stringKeys(data));
			}
			return Optional.empty();
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	private Optional<EntryMetadata> metadata(String relativePath) {
		String display = this.layout.displayPath(relativePath);
		VaultResponse response = call(display, "read metadata",
				() -> this.vault.read(this.layout.metadataPath(relativePath)));
		if (response == null || response.getData() == null) {
			return Optional.empty();
		}
		Map<String, Object> meta = response.getData();
		long current = number(meta.get("current_version"));
		boolean deleted = true;
		if (meta.get("versions") instanceof Map<?, ?> versions
				&& versions.get(Long.toString(current)) instanceof Map<?, ?> version) {
			deleted = isDeleted(version);
		}
		Map<String, String> custom = new LinkedHashMap<>();
		if (meta.get("custom_metadata") instanceof Map<?, ?> values) {
			values.forEach((k, v) -> custom.put(String.valueOf(k), String.valueOf(v)));
		}
		return Optional.of(new EntryMetadata(current, deleted, instant(meta.get("created_time")),
				instant(meta.get("updated_time")), custom));
	}

	private <T> T call(String displayPath, String operation, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			throw VaultErrors.translate(displayPath, operation, ex);
		}
	}

	private static boolean isDeleted(Map<?, ?> versionMetadata) {
		Object deletion = versionMetadata.get("deletion_time");
		return Boolean.TRUE.equals(versionMetadata.get("destroyed"))
				|| (deletion instanceof String text && !text.isEmpty());
	}

	private static Map<String, Object> stringKeys(Map<?, ?> map) {
		Map<String, Object> copy = new LinkedHashMap<>();
		map.forEach((k, v) -> copy.put(String.valueOf(k), v));
		return copy;
	}

	private static long number(Object value) {
		return (value instanceof Number n) ? n.longValue() : 0L;
	}

	private static Optional<Instant> instant(Object value) {
		if (value instanceof String text && !text.isEmpty()) {
			try {
				return Optional.of(Instant.parse(text));
			}
			catch (DateTimeParseException ex) {
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

}
