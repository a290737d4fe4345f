package io.github.twiliovaultsidecar.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialKind;
import io.github.twiliovaultsidecar.store.CredentialReader;
import io.github.twiliovaultsidecar.store.CredentialStoreException;
import io.github.twiliovaultsidecar.store.EntryMetadata;
import io.github.twiliovaultsidecar.store.RegionalCredential;

/**
 * The Auth Tokens a webhook for one account and region may be signed with: the current KV version
 * (through the shared {@link CredentialCache}), and during a rotation the previous version, for the
 * grace period after the current version was written.
 * <p>
 * The fallback is asked for only when the current token did not match. Its Vault reads are bounded
 * so that forged webhooks cannot turn into Vault load: the entry's metadata is read at most once per
 * refresh interval, and a previous version, which never changes, is read once.
 */
final class SigningTokens {

	private final CredentialCache cache;

	private final CredentialReader store;

	private final Clock clock;

	private final Duration grace;

	private final Duration metadataRefresh;

	private final Map<CredentialKey, Snapshot> snapshots = new ConcurrentHashMap<>();

	private final Map<CredentialKey, RegionalCredential> previous = new ConcurrentHashMap<>();

	/**
	 * @param cache the shared credential cache, for the current version
	 * @param store the store, for metadata and the previous version
	 * @param clock the time source
	 * @param grace how long after the current version was written the previous one is still accepted
	 * @param metadataRefresh how long the entry's metadata is trusted before it is read again
	 */
	SigningTokens(CredentialCache cache, CredentialReader store, Clock clock, Duration grace, Duration metadataRefresh) {
		this.cache = cache;
		this.store = store;
		this.clock = clock;
		this.grace = grace;
		this.metadataRefresh = metadataRefresh;
	}

	/**
	 * @return the current credential
	 * @throws WebhookException (as the Mono's error) when it is an API key, which cannot check signatures
	 * @throws CredentialStoreException (as the Mono's error) when it cannot be had
	 */
	Mono<RegionalCredential> current(CredentialKey key) {
		return this.cache.get(key).map(credential -> requireAuthToken(key, credential));
	}

	/**
	 * The credentials to try after {@code current} did not match: a newer version when Vault has one
	 * the cache has not seen yet, and the version before the latest while its grace period lasts.
	 * @param current the credential that did not match
	 * @return the fallback credentials, newest first; empty when there are none
	 */
	Mono<Fallback> fallback(CredentialKey key, RegionalCredential current) {
		return Mono.fromCallable(() -> fallbackNow(key, current)).subscribeOn(Schedulers.boundedElastic());
	}

	private Fallback fallbackNow(CredentialKey key, RegionalCredential current) {
		Optional<EntryMetadata> metadata = metadata(key, current.version());
		if (metadata.isEmpty() || metadata.get().currentDeleted()) {
			return new Fallback(Optional.empty(), Optional.empty());
		}
		long latestVersion = metadata.get().currentVersion();
		Optional<RegionalCredential> newer = Optional.empty();
		if (latestVersion > current.version()) {
			newer = Optional.of(requireAuthToken(key, this.cache.reload(key).block()));
		}
		Instant writtenAt = metadata.get().updatedTime().orElse(null);
		boolean inGrace = writtenAt != null && this.clock.instant().isBefore(writtenAt.plus(this.grace));
		if (!inGrace || latestVersion < 2) {
			return new Fallback(newer, Optional.empty());
		}
		return new Fallback(newer, previousVersion(key, latestVersion - 1));
	}

	private Optional<RegionalCredential> previousVersion(CredentialKey key, long version) {
		RegionalCredential cached = this.previous.get(key);
		if (cached != null && cached.version() == version) {
			return Optional.of(cached);
		}
		try {
			RegionalCredential credential = this.store.read(key, version);
			if (credential.kind() != CredentialKind.AUTH_TOKEN) {
				return Optional.empty();
			}
			this.previous.put(key, credential);
			return Optional.of(credential);
		}
		catch (CredentialStoreException.NotFound | CredentialStoreException.Malformed ex) {
			return Optional.empty();
		}
	}

	/** @return the entry's metadata, read again when older than the refresh or than {@code seenVersion} */
	private Optional<EntryMetadata> metadata(CredentialKey key, long seenVersion) {
		Instant now = this.clock.instant();
		Snapshot snapshot = this.snapshots.get(key);
		if (snapshot != null && snapshot.readAt.plus(this.metadataRefresh).isAfter(now)
				&& snapshot.metadata.map(EntryMetadata::currentVersion).orElse(0L) >= seenVersion) {
			return snapshot.metadata;
		}
		Optional<EntryMetadata> metadata = this.store.metadata(key);
		this.snapshots.put(key, new Snapshot(metadata, now));
		return metadata;
	}

	private static RegionalCredential requireAuthToken(CredentialKey key, RegionalCredential credential) {
		if (credential.kind() != CredentialKind.AUTH_TOKEN) {
			throw WebhookException.notAnAuthToken(key);
		}
		return credential;
	}

	/**
	 * @param newer a version newer than the one tried, when Vault has one
	 * @param previous the version before the latest, while its grace period lasts
	 */
	record Fallback(Optional<RegionalCredential> newer, Optional<RegionalCredential> previous) {
	}

	private record Snapshot(Optional<EntryMetadata> metadata, Instant readAt) {
	}

}
