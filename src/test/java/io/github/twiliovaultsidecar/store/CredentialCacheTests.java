package io.github.twiliovaultsidecar.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import io.github.twiliovaultsidecar.support.MutableClock;
import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class CredentialCacheTests {

	private static final Duration REFRESH = Duration.ofSeconds(30);

	private static final Duration MAX_STALENESS = Duration.ofMinutes(15);

	/** The age up to which a credential is served with no version check: four fifths of the interval. */
	private static final Duration CHECK_AHEAD = Duration.ofSeconds(24);

	private final CountingStore store = new CountingStore();

	private final MutableClock clock = MutableClock.startingNow();

	private final CredentialCache cache = new CredentialCache(this.store, REFRESH, MAX_STALENESS, this.clock);

	private final RecordingObserver observer = new RecordingObserver();

	/** The same cache as {@link #cache} would be, reporting to {@link #observer}. */
	private final CredentialCache observed = new CredentialCache(this.store, REFRESH, MAX_STALENESS, this.clock,
			this.observer);

	private final CredentialKey key = CredentialKey.of(TestSids.accountSid(), "ie1");

	@Test
	void servesFromMemoryWithinTheRefreshInterval() {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential first = this.cache.get(this.key).block();
		this.clock.advance(CHECK_AHEAD);
		assertThat(this.cache.get(this.key).block()).isSameAs(first);
		assertThat(this.store.reads.get()).isEqualTo(1);
		assertThat(this.store.versionChecks.get()).isZero();
	}

	@Test
	void aCallerInTheIntervalsLastFifthStartsTheVersionCheckWithoutWaitingForIt() {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential first = this.cache.get(this.key).block();
		this.store.gate = new CountDownLatch(1);
		this.clock.advance(CHECK_AHEAD.plusSeconds(1));
		assertThat(this.cache.get(this.key).block(Duration.ofSeconds(2))).as("answered while Vault is asked")
			.isSameAs(first);
		assertThat(this.cache.get(this.key).block(Duration.ofSeconds(2))).isSameAs(first);
		this.store.gate.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cache.maxAge().isZero());
		this.clock.advance(CHECK_AHEAD);
		assertThat(this.cache.get(this.key).block()).as("confirmed by the check started ahead").isSameAs(first);
		assertThat(this.store.versionChecks.get()).isEqualTo(1);
		assertThat(this.store.reads.get()).isEqualTo(1);
	}

	@Test
	void aRotationFoundByACheckStartedAheadIsServedToTheCallersAfterIt() {
		this.store.put(this.key, TestSids.authToken());
		this.cache.get(this.key).block();
		String rotated = TestSids.authToken();
		this.store.put(this.key, rotated);
		this.clock.advance(CHECK_AHEAD.plusSeconds(1));
		assertThat(this.cache.get(this.key).block().version()).as("the check runs in the background").isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cache.get(this.key).block().version() == 2);
		assertThat(this.cache.get(this.key).block().secret().reveal()).isEqualTo(rotated);
		assertThat(this.store.versionChecks.get()).isEqualTo(1);
		assertThat(this.store.reads.get()).isEqualTo(2);
	}

	@Test
	void callersAfterTheIntervalWaitForACheckStartedAheadThatHasNotAnswered() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential first = this.cache.get(this.key).block();
		this.store.gate = new CountDownLatch(1);
		this.clock.advance(CHECK_AHEAD.plusSeconds(1));
		this.cache.get(this.key).block();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.store.versionChecksStarted.get() == 1);
		this.clock.advance(REFRESH);
		List<CompletableFuture<RegionalCredential>> callers = IntStream.range(0, 4)
			.mapToObj(i -> this.cache.get(this.key).toFuture())
			.toList();
		assertThat(callers).noneMatch(CompletableFuture::isDone);
		this.store.gate.countDown();
		for (CompletableFuture<RegionalCredential> caller : callers) {
			assertThat(caller.get(10, TimeUnit.SECONDS)).isSameAs(first);
		}
		assertThat(this.store.versionChecksStarted.get()).as("the one started ahead").isEqualTo(1);
	}

	@Test
	void aCheckStartedAheadWhileVaultIsDownLeavesTheCredentialToBeCheckedAgain() {
		List<CacheObserver.Refresh> outcomes = this.observer.refreshes;
		CredentialCache observed = this.observed;
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential good = observed.get(this.key).block();
		this.store.down = true;
		this.clock.advance(CHECK_AHEAD.plusSeconds(1));
		assertThat(observed.get(this.key).block()).isSameAs(good);
		await().atMost(Duration.ofSeconds(10)).until(() -> !outcomes.isEmpty());
		assertThat(outcomes).containsExactly(CacheObserver.Refresh.SERVED_STALE);
		assertThat(observed.maxAge()).as("not confirmed").isEqualTo(CHECK_AHEAD.plusSeconds(1));
		this.store.down = false;
		this.clock.advance(REFRESH);
		// A caller may still join the failed check for the moment between its outcome and its end.
		await().atMost(Duration.ofSeconds(10)).until(() -> observed.get(this.key).block() == good
				&& outcomes.contains(CacheObserver.Refresh.UNCHANGED));
		assertThat(outcomes).containsExactly(CacheObserver.Refresh.SERVED_STALE, CacheObserver.Refresh.UNCHANGED);
		assertThat(observed.maxAge()).isZero();
	}

	@Test
	void rechecksByVersionNotByRereadingTheSecret() {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential first = this.cache.get(this.key).block();
		this.clock.advance(REFRESH);
		assertThat(this.cache.get(this.key).block()).isSameAs(first);
		assertThat(this.store.versionChecks.get()).isEqualTo(1);
		assertThat(this.store.reads.get()).isEqualTo(1);
	}

	@Test
	void picksUpANewVersionAfterTheRefreshInterval() {
		this.store.put(this.key, TestSids.authToken());
		this.cache.get(this.key).block();
		String rotated = TestSids.authToken();
		this.store.put(this.key, rotated);
		assertThat(this.cache.get(this.key).block().version()).isEqualTo(1);
		this.clock.advance(REFRESH);
		RegionalCredential refreshed = this.cache.get(this.key).block();
		assertThat(refreshed.version()).isEqualTo(2);
		assertThat(refreshed.secret().reveal()).isEqualTo(rotated);
	}

	@Test
	void tellsItsObserverAboutMissesHitsAndRefreshOutcomes() {
		List<String> seen = this.observer.seen;
		CredentialCache observed = this.observed;
		this.store.put(this.key, TestSids.authToken());
		observed.get(this.key).block();
		observed.get(this.key).block();
		this.clock.advance(REFRESH);
		observed.get(this.key).block();
		this.store.put(this.key, TestSids.authToken());
		this.clock.advance(REFRESH);
		observed.get(this.key).block();
		this.store.down = true;
		this.clock.advance(REFRESH);
		observed.get(this.key).block();
		this.clock.advance(MAX_STALENESS);
		assertThatThrownBy(() -> observed.get(this.key).block()).isInstanceOf(CredentialStoreException.Unavailable.class);
		assertThat(seen).containsExactly("miss", "hit", "UNCHANGED", "CHANGED", "SERVED_STALE", "FAILED");
		assertThat(observed.size()).isEqualTo(1);
	}

	@Test
	void reloadBypassesTheCache() {
		this.store.put(this.key, TestSids.authToken());
		this.cache.get(this.key).block();
		this.store.put(this.key, TestSids.authToken());
		assertThat(this.cache.reload(this.key).block().version()).isEqualTo(2);
		assertThat(this.cache.get(this.key).block().version()).isEqualTo(2);
	}

	@Test
	void servesTheLastGoodCredentialWhileVaultIsDownUpToTheMaximumStaleness() {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential good = this.cache.get(this.key).block();
		this.store.down = true;
		this.clock.advance(MAX_STALENESS.minusSeconds(1));
		assertThat(this.cache.get(this.key).block()).isSameAs(good);
		assertThat(this.cache.maxAge()).isEqualTo(MAX_STALENESS.minusSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		assertThatThrownBy(() -> this.cache.get(this.key).block())
			.isInstanceOf(CredentialStoreException.Unavailable.class);
		this.store.down = false;
		assertThat(this.cache.get(this.key).block().version()).isEqualTo(good.version());
		assertThat(this.cache.maxAge()).isZero();
	}

	@Test
	void forgetsACredentialDeletedInVault() {
		this.store.put(this.key, TestSids.authToken());
		this.cache.get(this.key).block();
		this.store.entries.remove(this.key);
		this.clock.advance(REFRESH);
		assertThatThrownBy(() -> this.cache.get(this.key).block()).isInstanceOf(CredentialStoreException.NotFound.class);
	}

	@Test
	void callersArrivingWhileACredentialIsReadShareThatOneRead() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		this.store.gate = new CountDownLatch(1);
		List<CompletableFuture<RegionalCredential>> callers = IntStream.range(0, 8)
			.mapToObj(i -> this.cache.get(this.key).toFuture())
			.toList();
		this.store.gate.countDown();
		RegionalCredential first = callers.get(0).get(10, TimeUnit.SECONDS);
		for (CompletableFuture<RegionalCredential> caller : callers) {
			assertThat(caller.get(10, TimeUnit.SECONDS)).isSameAs(first);
		}
		assertThat(this.store.reads.get()).isEqualTo(1);
	}

	@Test
	void callersArrivingWhileAVersionIsCheckedShareThatOneCheck() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential first = this.cache.get(this.key).block();
		this.clock.advance(REFRESH);
		this.store.gate = new CountDownLatch(1);
		List<CompletableFuture<RegionalCredential>> callers = IntStream.range(0, 8)
			.mapToObj(i -> this.cache.get(this.key).toFuture())
			.toList();
		this.store.gate.countDown();
		for (CompletableFuture<RegionalCredential> caller : callers) {
			assertThat(caller.get(10, TimeUnit.SECONDS)).isSameAs(first);
		}
		assertThat(this.store.versionChecks.get()).isEqualTo(1);
		assertThat(this.store.reads.get()).isEqualTo(1);
	}

	@Test
	void aCallerThatGivesUpDoesNotLeaveTheOthersSharingItsReadWaiting() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		this.store.gate = new CountDownLatch(1);
		Disposable first = this.cache.get(this.key).subscribe();
		CompletableFuture<RegionalCredential> second = this.cache.get(this.key).toFuture();
		first.dispose();
		this.store.gate.countDown();
		assertThat(second.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
		assertThat(this.store.reads.get()).isEqualTo(1);
	}

	@Test
	void aSoleCallerThatGivesUpLeavesTheReadToTheNextCaller() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		this.store.gate = new CountDownLatch(1);
		this.cache.get(this.key).subscribe().dispose();
		CompletableFuture<RegionalCredential> next = this.cache.get(this.key).toFuture();
		this.store.gate.countDown();
		assertThat(next.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
		assertThat(this.store.reads.get()).isEqualTo(1);
	}

	@Test
	void aFailedReadIsNotKeptForTheCallersAfterIt() {
		this.store.put(this.key, TestSids.authToken());
		this.store.down = true;
		assertThatThrownBy(() -> this.cache.get(this.key).block()).isInstanceOf(CredentialStoreException.Unavailable.class);
		this.store.down = false;
		assertThat(this.cache.get(this.key).block().version()).isEqualTo(1);
		assertThat(this.store.reads.get()).isEqualTo(1);
	}

	@Test
	void aVersionCheckAnsweredBeforeAReloadDoesNotPutTheOlderCredentialBack() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		this.cache.get(this.key).block();
		this.clock.advance(REFRESH);
		Hold hold = this.store.holdNextAnswer();
		CompletableFuture<RegionalCredential> checking = this.cache.get(this.key).toFuture();
		rotateAndReloadWhileHeld(hold);
		assertThat(checking.get(10, TimeUnit.SECONDS).version()).isEqualTo(2);
		assertThat(this.cache.get(this.key).block().version()).isEqualTo(2);
		assertThat(this.store.versionChecks.get()).isEqualTo(1);
		assertThat(this.store.reads.get()).isEqualTo(2);
	}

	@Test
	void aReadAnsweredLastIsNotKeptOverAReadThatStartedAfterIt() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		this.cache.get(this.key).block();
		Hold hold = this.store.holdNextAnswer();
		CompletableFuture<RegionalCredential> earlier = this.cache.reload(this.key).toFuture();
		rotateAndReloadWhileHeld(hold);
		assertThat(earlier.get(10, TimeUnit.SECONDS).version()).isEqualTo(2);
		assertThat(this.cache.get(this.key).block().version()).isEqualTo(2);
	}

	/**
	 * Once {@code hold}'s store call has its answer (version 1), writes version 2, re-reads it, then
	 * lets the held call answer.
	 */
	private void rotateAndReloadWhileHeld(Hold hold) throws InterruptedException {
		hold.awaitAnswered();
		this.store.put(this.key, TestSids.authToken());
		assertThat(this.cache.reload(this.key).block().version()).isEqualTo(2);
		hold.release();
	}

	@Test
	void aSecretWrittenAnewAfterItsMetadataWasDeletedReplacesTheCachedOne() {
		this.store.put(this.key, TestSids.authToken());
		this.store.put(this.key, TestSids.authToken());
		assertThat(this.cache.get(this.key).block().version()).isEqualTo(2);
		this.store.entries.remove(this.key);
		String written = TestSids.authToken();
		this.store.put(this.key, written);
		this.clock.advance(REFRESH);
		RegionalCredential refreshed = this.cache.get(this.key).block();
		assertThat(refreshed.version()).isEqualTo(1);
		assertThat(refreshed.secret().reveal()).isEqualTo(written);
		assertThat(this.cache.reload(this.key).block().secret().reveal()).isEqualTo(written);
	}

	@Test
	void requestsRejectedTogetherShareOneReRead() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential rejected = this.cache.get(this.key).block();
		String rotated = TestSids.authToken();
		this.store.put(this.key, rotated);
		this.store.gate = new CountDownLatch(1);
		List<CompletableFuture<RegionalCredential>> rejections = IntStream.range(0, 8)
			.mapToObj(i -> this.cache.reloadAfterRejection(this.key, rejected).toFuture())
			.toList();
		this.store.gate.countDown();
		for (CompletableFuture<RegionalCredential> rereading : rejections) {
			assertThat(rereading.get(10, TimeUnit.SECONDS).secret().reveal()).isEqualTo(rotated);
		}
		assertThat(this.store.reads.get()).as("the first read and one re-read").isEqualTo(2);
	}

	@Test
	void aRejectionAfterTheNewCredentialWasFoundIsAnsweredFromMemory() {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential rejected = this.cache.get(this.key).block();
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential found = this.cache.reloadAfterRejection(this.key, rejected).block();
		assertThat(found.version()).isEqualTo(2);
		assertThat(this.cache.reloadAfterRejection(this.key, rejected).block()).isSameAs(found);
		assertThat(this.store.reads.get()).isEqualTo(2);
	}

	@Test
	void aRejectedCredentialThatVaultStillHoldsIsReadAgainForEachLaterRejection() {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential rejected = this.cache.get(this.key).block();
		assertThat(this.cache.reloadAfterRejection(this.key, rejected).block().sameAs(rejected)).isTrue();
		assertThat(this.cache.reloadAfterRejection(this.key, rejected).block().sameAs(rejected)).isTrue();
		assertThat(this.store.reads.get()).isEqualTo(3);
		this.store.entries.remove(this.key);
		String written = TestSids.authToken();
		this.store.put(this.key, written);
		RegionalCredential anew = this.cache.reloadAfterRejection(this.key, rejected).block();
		assertThat(anew.version()).as("written anew after its metadata was deleted").isEqualTo(rejected.version());
		assertThat(anew.sameAs(rejected)).isFalse();
		assertThat(anew.secret().reveal()).isEqualTo(written);
	}

	@Test
	void aVersionCheckDoesNotPutItsCredentialBackOverOneWithTheSameVersionReadMeanwhile() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential rejected = this.cache.get(this.key).block();
		this.clock.advance(REFRESH);
		Hold hold = this.store.holdNextAnswer();
		CompletableFuture<RegionalCredential> checking = this.cache.get(this.key).toFuture();
		hold.awaitAnswered();
		this.store.entries.remove(this.key);
		String written = TestSids.authToken();
		this.store.put(this.key, written);
		RegionalCredential found = this.cache.reloadAfterRejection(this.key, rejected).block();
		assertThat(found.version()).as("written anew after its metadata was deleted").isEqualTo(rejected.version());
		hold.release();
		assertThat(checking.get(10, TimeUnit.SECONDS).secret().reveal()).isEqualTo(written);
		assertThat(this.cache.get(this.key).block().secret().reveal()).isEqualTo(written);
	}

	@Test
	void aVersionCheckConfirmsOnlyTheCredentialItChecked() throws Exception {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential rejected = this.cache.get(this.key).block();
		this.store.entries.remove(this.key);
		String written = TestSids.authToken();
		this.store.put(this.key, written);
		Hold reread = this.store.holdNextAnswer();
		CompletableFuture<RegionalCredential> rereading = this.cache.reloadAfterRejection(this.key, rejected).toFuture();
		reread.awaitAnswered();
		this.clock.advance(REFRESH);
		Hold check = this.store.holdNextAnswer();
		CompletableFuture<RegionalCredential> checking = this.cache.get(this.key).toFuture();
		check.awaitAnswered();
		reread.release();
		assertThat(rereading.get(10, TimeUnit.SECONDS).secret().reveal()).isEqualTo(written);
		check.release();
		assertThat(checking.get(10, TimeUnit.SECONDS).secret().reveal()).as("the same version number, read meanwhile")
			.isEqualTo(written);
		assertThat(this.cache.get(this.key).block().secret().reveal()).isEqualTo(written);
	}

	@Test
	void aRejectionIsAnsweredFromMemoryOnlyWithinTheRefreshInterval() {
		this.store.put(this.key, TestSids.authToken());
		RegionalCredential rejected = this.cache.get(this.key).block();
		this.store.put(this.key, TestSids.authToken());
		assertThat(this.cache.reloadAfterRejection(this.key, rejected).block().version()).isEqualTo(2);
		this.clock.advance(REFRESH);
		String again = TestSids.authToken();
		this.store.put(this.key, again);
		assertThat(this.cache.reloadAfterRejection(this.key, rejected).block().secret().reveal()).isEqualTo(again);
		assertThat(this.store.reads.get()).isEqualTo(3);
	}

	/** An in-memory store that counts reads and can fail as if Vault were down. */
	private static final class CountingStore implements CredentialReader {

		final Map<CredentialKey, RegionalCredential> entries = new ConcurrentHashMap<>();

		final AtomicInteger reads = new AtomicInteger();

		final AtomicInteger versionChecks = new AtomicInteger();

		/** Version checks asked for, counted before the gate and before failing as if Vault were down. */
		final AtomicInteger versionChecksStarted = new AtomicInteger();

		volatile boolean down;

		/** When set, every read and version check waits for it to open. */
		volatile CountDownLatch gate;

		private final AtomicReference<Hold> hold = new AtomicReference<>();

		/** @return a hold on the next read or version check, taken once it has its answer */
		Hold holdNextAnswer() {
			Hold next = new Hold();
			this.hold.set(next);
			return next;
		}

		private <T> T answer(T value) {
			Hold taken = this.hold.getAndSet(null);
			if (taken != null) {
				taken.hold();
			}
			return value;
		}

		void put(CredentialKey key, String token) {
			long version = Optional.ofNullable(this.entries.get(key)).map(RegionalCredential::version).orElse(0L) + 1;
			this.entries.put(key, CredentialEntries.parse(key, "mem/" + key, Map.of("auth_token", token), version));
		}

		private void failWhenDown(CredentialKey key) {
			CountDownLatch gate = this.gate;
			if (gate != null) {
				try {
					if (!gate.await(10, TimeUnit.SECONDS)) {
						throw new IllegalStateException("the test never opened the gate");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			if (this.down) {
				throw new CredentialStoreException.Unavailable("mem/" + key, "read", null);
			}
		}

		@Override
		public RegionalCredential read(CredentialKey key) {
			failWhenDown(key);
			this.reads.incrementAndGet();
			RegionalCredential credential = this.entries.get(key);
			if (credential == null) {
				throw new CredentialStoreException.NotFound("mem/" + key);
			}
			// A new object per read, as from Vault: the cache must compare credentials, not references.
			return answer(CredentialEntries.parse(key, "mem/" + key, Map.of("auth_token", credential.secret().reveal()),
					credential.version()));
		}

		@Override
		public OptionalLong currentVersion(CredentialKey key) {
			this.versionChecksStarted.incrementAndGet();
			failWhenDown(key);
			this.versionChecks.incrementAndGet();
			RegionalCredential credential = this.entries.get(key);
			return answer((credential != null) ? OptionalLong.of(credential.version()) : OptionalLong.empty());
		}

		@Override
		public Optional<EntryMetadata> metadata(CredentialKey key) {
			return Optional.empty();
		}

	}

	/** Records what the cache reports: every hit, miss and refresh outcome by name, and the outcomes apart. */
	private static final class RecordingObserver implements CacheObserver {

		final List<String> seen = new CopyOnWriteArrayList<>();

		final List<Refresh> refreshes = new CopyOnWriteArrayList<>();

		@Override
		public void hit() {
			this.seen.add("hit");
		}

		@Override
		public void miss() {
			this.seen.add("miss");
		}

		@Override
		public void refreshed(Refresh outcome) {
			this.seen.add(outcome.name());
			this.refreshes.add(outcome);
		}

	}

	/** Keeps one store call from returning the answer it already has until the test releases it. */
	private static final class Hold {

		private final CountDownLatch answered = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		void hold() {
			this.answered.countDown();
			try {
				if (!this.released.await(10, TimeUnit.SECONDS)) {
					throw new IllegalStateException("the test never released the hold");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void awaitAnswered() throws InterruptedException {
			assertThat(this.answered.await(10, TimeUnit.SECONDS)).as("a store call took its answer").isTrue();
		}

		void release() {
			this.released.countDown();
		}

	}

}
