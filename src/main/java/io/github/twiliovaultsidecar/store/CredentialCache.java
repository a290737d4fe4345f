package io.github.twiliovaultsidecar.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.github.twiliovaultsidecar.twilio.Secret;

/**
 * An in-memory cache in front of a {@link CredentialReader}. A cached credential is served as is for
 * the refresh interval; its KV version is then checked with a metadata read (never a blind re-read
 * of the secret) and a new version is loaded, so a rotation in Vault is picked up without a restart.
 * The check starts ahead, in the background: the first caller in the interval's last fifth (from
 * 24 s of 30 s) starts it and is answered from memory, so under steady traffic no caller waits for a
 * version check. Only once the interval has passed without a confirmation (no caller in its last
 * fifth, or the check still under way or failed) do callers wait for the check. While Vault cannot be
 * reached, the last good credential keeps being served until it is older than the maximum staleness.
 * Vault calls run on the bounded-elastic scheduler, never on the caller's event loop. Per credential
 * there is at most one refresh (a read or version check) and one re-read after Twilio rejected it
 * under way at a time ({@link #reload} always reads): callers arriving while Vault is asked wait for
 * that answer instead of asking again (a new pod's first burst, every request after an unconfirmed
 * interval until the check answers, every request in flight when Twilio starts rejecting a rotated
 * credential).
 * <p>
 * When Vault calls for one credential overlap (a re-read after a 401 during a version check), the
 * credential of the read that <em>started</em> last is kept, whatever order the answers arrive in,
 * and a version check only confirms the very credential it checked, never one read meanwhile: a
 * check that saw the old version cannot put it back over the new one a re-read has just found. The
 * order of the reads decides, not the version numbers, because KV versions start again at 1 when a
 * secret's metadata is deleted and it is written anew.
 */
public final class CredentialCache {

	private final CredentialReader store;

	private final Duration refreshInterval;

	/** Age from which a caller starts the version check in the background: four fifths of the interval. */
	private final Duration checkAhead;

	private final Duration maxStaleness;

	private final Clock clock;

	private final CacheObserver observer;

	private final Map<CredentialKey, Entry> entries = new ConcurrentHashMap<>();

	/** Refreshes under way ({@link #get}). */
	private final Map<CredentialKey, Mono<RegionalCredential>> inFlight = new ConcurrentHashMap<>();

	/** Re-reads under way after a rejection ({@link #reloadAfterRejection}). */
	private final Map<CredentialKey, Mono<RegionalCredential>> rereads = new ConcurrentHashMap<>();

	/** Numbers the credential reads in the order they start; see {@link #keep}. */
	private final AtomicLong reads = new AtomicLong();

	/** Counts the changes to what is cached; see {@link #changes()}. */
	private final AtomicLong changes = new AtomicLong();

	/**
	 * A cache that serves one Auth Token held in memory only and never reads Vault, for the proxy's
	 * warm-up before readiness. Nothing else can be read from it.
	 * @param key the account and region it serves
	 * @param secret the Auth Token
	 * @return the cache, whose credential is version 1
	 */
	public static CredentialCache holding(CredentialKey key, Secret secret) {
		RegionalCredential credential = new RegionalCredential(key, CredentialKind.AUTH_TOKEN, key.account().value(),
				secret, Optional.empty(), 1);
		CredentialReader only = new CredentialReader() {

			@Override
			public RegionalCredential read(CredentialKey asked) {
				if (!asked.equals(key)) {
					throw new CredentialStoreException.NotFound(asked.toString());
				}
				return credential;
			}

			@Override
			public OptionalLong currentVersion(CredentialKey asked) {
				return asked.equals(key) ? OptionalLong.of(1) : OptionalLong.empty();
			}

			@Override
			public Optional<EntryMetadata> metadata(CredentialKey asked) {
				return Optional.empty();
			}

		};
		return new CredentialCache(only, Duration.ofDays(1), Duration.ofDays(1), Clock.systemUTC());
	}

	/**
	 * @param store where credentials are read from
	 * @param refreshInterval how long a credential is served before its version is checked
	 * @param maxStaleness how long the last good credential is served while Vault fails
	 * @param clock the time source (injected so tests advance time instead of sleeping)
	 */
	CredentialCache(CredentialReader store, Duration refreshInterval, Duration maxStaleness, Clock clock) {
		this(store, refreshInterval, maxStaleness, clock, CacheObserver.NONE);
	}

	/**
	 * @param store where credentials are read from
	 * @param refreshInterval how long a credential is served before its version is checked
	 * @param maxStaleness how long the last good credential is served while Vault fails
	 * @param clock the time source (injected so tests advance time instead of sleeping)
	 * @param observer told about hits, misses and refreshes; {@link CacheObserver#NONE} for none
	 */
	CredentialCache(CredentialReader store, Duration refreshInterval, Duration maxStaleness, Clock clock,
			CacheObserver observer) {
		this.store = store;
		this.refreshInterval = refreshInterval;
		this.checkAhead = refreshInterval.minus(refreshInterval.dividedBy(5));
		this.maxStaleness = maxStaleness;
		this.clock = clock;
		this.observer = observer;
	}

	/**
	 * @return the credential, from memory when it was checked within the refresh interval (in the
	 * interval's last fifth a version check is started in the background, see the class description)
	 * @throws CredentialStoreException (as the Mono's error) when it cannot be had
	 */
	public Mono<RegionalCredential> get(CredentialKey key) {
		Entry entry = this.entries.get(key);
		if (entry != null) {
			Instant now = this.clock.instant();
			if (isFresh(entry, now)) {
				this.observer.hit();
				if (entry.checkedAt.plus(this.checkAhead).isBefore(now) && !this.inFlight.containsKey(key)) {
					checkInBackground(key);
				}
				return Mono.just(entry.credential);
			}
		}
		else {
			this.observer.miss();
		}
		return Mono.defer(() -> refreshing(key));
	}

	/** @return the refresh under way for {@code key}, started if there is none */
	private Mono<RegionalCredential> refreshing(CredentialKey key) {
		return this.inFlight.computeIfAbsent(key, k -> shared(this.inFlight, k, () -> refresh(k)));
	}

	/**
	 * Starts a refresh nobody waits for. What it finds reaches later callers through the cache; a
	 * failure is left to the callers after the interval, which wait for a check of their own and get
	 * its error (the observer has seen the outcome either way). It runs in no caller's context, so its
	 * Vault call is a trace of its own, not part of the request that started it.
	 */
	private void checkInBackground(CredentialKey key) {
		refreshing(key).subscribe(null, failure -> {
		});
	}

	/**
	 * Reads the credential again after Twilio rejected {@code rejected}. A cached credential other
	 * than the rejected one, confirmed with Vault within the refresh interval, is answered at once:
	 * the re-read for an earlier rejection already found it. Otherwise Vault is read, and the
	 * requests rejected meanwhile share that one read (a rotation makes Twilio reject every request
	 * in flight).
	 * @return the credential to send the request with again, or one {@link RegionalCredential#sameAs
	 * the same as} {@code rejected} when Vault still holds that
	 */
	public Mono<RegionalCredential> reloadAfterRejection(CredentialKey key, RegionalCredential rejected) {
		return Mono.defer(() -> {
			Entry entry = this.entries.get(key);
			if (entry != null && !entry.credential.sameAs(rejected) && isFresh(entry, this.clock.instant())) {
				return Mono.just(entry.credential);
			}
			return this.rereads.computeIfAbsent(key, k -> shared(this.rereads, k, () -> load(k)));
		});
	}

	/**
	 * One Vault call that every caller subscribing before its answer shares (the first caller's
	 * context, e.g. its trace, is the one the call runs in). It leaves {@code underWay} before its answer
	 * reaches anyone, so a caller that comes after the answer asks again instead of being handed it,
	 * and neither a credential nor an error is kept past the call. A caller that gives up does not
	 * cancel it ({@code cache()} never cancels its source): it runs until Vault answers or the Vault
	 * client times out, and its answer is cached for the next callers.
	 */
	private Mono<RegionalCredential> shared(Map<CredentialKey, Mono<RegionalCredential>> underWay, CredentialKey key,
			Callable<RegionalCredential> call) {
		AtomicReference<Mono<RegionalCredential>> self = new AtomicReference<>();
		Mono<RegionalCredential> shared = this.observer.vaultCall(call)
			.subscribeOn(Schedulers.boundedElastic())
			.doOnEach(signal -> underWay.remove(key, self.get()))
			.cache();
		self.set(shared);
		return shared;
	}

	/**
	 * Reads the credential from Vault, bypassing the cache and any read under way (the webhook
	 * validator, once Vault's metadata named a newer version).
	 * @return the credential read, or the one cached by a read that started after it and answered first
	 */
	public Mono<RegionalCredential> reload(CredentialKey key) {
		return this.observer.vaultCall(() -> load(key)).subscribeOn(Schedulers.boundedElastic());
	}

	/** Forgets every cached credential. */
	public void clear() {
		this.entries.clear();
		this.changes.incrementAndGet();
	}

	/**
	 * @return every credential held in memory now, for the proxy to look for in Twilio's answers;
	 * never log or return them
	 */
	public List<RegionalCredential> held() {
		return this.entries.values().stream().map(Entry::credential).toList();
	}

	/**
	 * @return a number that changes whenever a credential is cached, replaced or forgotten, so a
	 * view of {@link #held()} can tell it is out of date without comparing the credentials
	 */
	public long changes() {
		return this.changes.get();
	}

	/** @return how many credentials are cached */
	public int size() {
		return this.entries.size();
	}

	/** @return how long ago the oldest cached credential was last confirmed with Vault */
	public Duration maxAge() {
		Instant now = this.clock.instant();
		return this.entries.values()
			.stream()
			.map(entry -> Duration.between(entry.checkedAt, now))
			.max(Duration::compareTo)
			.orElse(Duration.ZERO);
	}

	private RegionalCredential refresh(CredentialKey key) {
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return load(key);
		}
		Instant asked = this.clock.instant();
		OptionalLong current;
		try {
			current = this.store.currentVersion(key);
		}
		catch (CredentialStoreException.Unavailable ex) {
			if (entry.checkedAt.plus(this.maxStaleness).isAfter(this.clock.instant())) {
				this.observer.refreshed(CacheObserver.Refresh.SERVED_STALE);
				return entry.credential;
			}
			this.observer.refreshed(CacheObserver.Refresh.FAILED);
			throw ex;
		}
		if (current.isPresent() && current.getAsLong() == entry.credential.version()) {
			this.observer.refreshed(CacheObserver.Refresh.UNCHANGED);
			Entry confirmed = this.entries.computeIfPresent(key,
					(k, kept) -> (kept.credential == entry.credential && kept.checkedAt.isBefore(asked))
							? new Entry(kept.credential, asked, kept.read) : kept);
			return (confirmed != null) ? confirmed.credential : entry.credential;
		}
		this.observer.refreshed(CacheObserver.Refresh.CHANGED);
		return load(key);
	}

	private RegionalCredential load(CredentialKey key) {
		long read = this.reads.incrementAndGet();
		Instant asked = this.clock.instant();
		try {
			return keep(key, new Entry(this.store.read(key), asked, read));
		}
		catch (CredentialStoreException.NotFound | CredentialStoreException.Malformed ex) {
			this.entries.computeIfPresent(key, (k, kept) -> (kept.read > read) ? kept : null);
			this.changes.incrementAndGet();
			throw ex;
		}
	}

	/**
	 * Caches what a read found, unless a read that started after it has already answered.
	 * @return the credential now cached: {@code found}'s, or the later read's
	 */
	private RegionalCredential keep(CredentialKey key, Entry found) {
		RegionalCredential kept = this.entries.merge(key, found, (old, fresh) -> (fresh.read > old.read) ? fresh : old)
			.credential;
		this.changes.incrementAndGet();
		return kept;
	}

	/** @return whether {@code entry} was confirmed with Vault within the refresh interval before {@code now} */
	private boolean isFresh(Entry entry, Instant now) {
		return entry.checkedAt.plus(this.refreshInterval).isAfter(now);
	}

	/**
	 * @param checkedAt when Vault was last asked about it (read, or its version checked)
	 * @param read the number of the read that found it ({@link #reads})
	 */
	private record Entry(RegionalCredential credential, Instant checkedAt, long read) {
	}

}
