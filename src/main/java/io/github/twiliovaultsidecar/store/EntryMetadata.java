package io.github.twiliovaultsidecar.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * KV v2 metadata of one entry. Holds no secret.
 *
 * @param currentVersion the latest version number
 * @param currentDeleted whether the latest version is soft-deleted or destroyed
 * @param createdTime when the entry was first written
 * @param updatedTime when the latest version was written
 * @param customMetadata {@code source}, {@code seeded_by}, {@code verified_at}, {@code fingerprint}...
 */
public record EntryMetadata(long currentVersion, boolean currentDeleted, Optional<Instant> createdTime,
		Optional<Instant> updatedTime, Map<String, String> customMetadata) {

	public EntryMetadata {
		customMetadata = Map.copyOf(customMetadata);
	}

	/** @return what the custom metadata records of the seed */
	public SeedMetadata seed() {
		return SeedMetadata.of(this.customMetadata);
	}

}
