package io.github.twiliovaultsidecar.seeding;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.CredentialStoreException;
import io.github.twiliovaultsidecar.store.StoredPath;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.VaultLease;

/**
 * Runs the background re-verification: looks at the lease in Vault ({@link VaultLease}) when
 * {@link VerificationSchedule} says to, and when a run is due takes the lease with check-and-set,
 * checks every credential the service may read ({@link CredentialVerifier}, at most
 * {@code concurrency} at once), renews the lease while it runs, and releases it with the time the
 * next run is due. A replica that loses the lease stops its run. Started with the web server;
 * nothing runs when {@code sidecar.verification.interval} is 0.
 */
final class VerificationRunner implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(VerificationRunner.class);

	/** How long a replica that lost the race for the lease waits before reading it again. */
	private static final Duration AFTER_LOST_RACE = Duration.ofSeconds(1);

	private final VerificationProperties properties;

	private final VerificationSchedule schedule;

	private final VaultLease lease;

	private final CredentialStore store;

	private final VaultLayout layout;

	private final CredentialVerifier verifier;

	private final VerificationResults results;

	private final Clock clock;

	private final DoubleSupplier random;

	private final String owner;

	private final AtomicReference<Disposable> nextLook = new AtomicReference<>();

	private final AtomicReference<CompletableFuture<List<Verification>>> currentRun = new AtomicReference<>();

	/** The lease while this replica holds it, else {@code null}. */
	private final AtomicReference<VaultLease.State> held = new AtomicReference<>();

	private final AtomicBoolean deniedReported = new AtomicBoolean();

	private volatile boolean running;

	VerificationRunner(VerificationProperties properties, VaultLease lease, CredentialStore store, VaultLayout layout,
			CredentialVerifier verifier, VerificationResults results, Clock clock, DoubleSupplier random,
			String owner) {
		this.properties = properties;
		this.schedule = new VerificationSchedule(properties.interval(), properties.jitter(), properties.leaseTtl());
		this.lease = lease;
		this.store = store;
		this.layout = layout;
		this.verifier = verifier;
		this.results = results;
		this.clock = clock;
		this.random = random;
		this.owner = owner;
	}

	/** @return this replica's lease owner name: its host name (a pod's name) and a random suffix */
	static String ownerName() {
		String host = System.getenv("HOSTNAME");
		if (host == null || host.isBlank()) {
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				host = "sidecar";
			}
		}
		return host + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 32);
	}

	@Override
	public void start() {
		this.running = true;
		if (this.properties.enabled()) {
			look(this.schedule.firstLook(this.random.getAsDouble()));
		}
	}

	/** Stops looking, cancels a run under way and hands its lease back (still due) for another replica. */
	@Override
	public void stop() {
		this.running = false;
		Optional.ofNullable(this.nextLook.getAndSet(null)).ifPresent(Disposable::dispose);
		Optional.ofNullable(this.currentRun.getAndSet(null)).ifPresent(run -> run.cancel(true));
		VaultLease.State state = this.held.getAndSet(null);
		if (state != null) {
			try {
				this.lease.write(state, "", this.clock.instant(), state.nextRunAt());
			}
			catch (RuntimeException ex) {
				log.debug("Could not hand back the verification lease at {}: {}", this.lease.displayPath(),
						ex.getMessage());
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void look(Duration after) {
		if (!this.running) {
			return;
		}
		Disposable next = Mono.delay(after)
			.publishOn(Schedulers.boundedElastic())
			.subscribe(tick -> look(lookAndRun()));
		Optional.ofNullable(this.nextLook.getAndSet(next)).ifPresent(Disposable::dispose);
	}

	/** @return how long until the next look; never throws */
	private Duration lookAndRun() {
		try {
			Instant now = this.clock.instant();
			VaultLease.State seen = this.lease.read();
			VerificationSchedule.Decision decision = this.schedule.decide(seen, this.owner, now);
			if (decision instanceof VerificationSchedule.WaitUntil wait) {
				return until(wait.at());
			}
			Optional<VaultLease.State> taken = this.lease.write(seen, this.owner, now.plus(this.schedule.leaseTtl()),
					seen.nextRunAt());
			if (taken.isEmpty()) {
				return AFTER_LOST_RACE.plus(this.schedule.spread(this.random.getAsDouble()));
			}
			this.deniedReported.set(false);
			return run(taken.get());
		}
		catch (CredentialStoreException.AccessDenied ex) {
			if (this.deniedReported.compareAndSet(false, true)) {
				log.warn("Background verification is not running: the service's Vault policy may not read and write "
						+ "its lease at {} (grant the twilio-credential-verifier policy)", this.lease.displayPath());
			}
			return this.schedule.afterFailure();
		}
		catch (RuntimeException ex) {
			log.warn("Background verification could not look at its lease at {}: {}", this.lease.displayPath(),
					ex.getMessage());
			return this.schedule.afterFailure();
		}
	}

	private Duration run(VaultLease.State taken) {
		this.held.set(taken);
		long started = System.nanoTime();
		this.verifier.retryMarks();
		VerificationPacing pacing = VerificationPacing.forRun(this.properties, this.random);
		Flux<VaultLease.State> renewals = Flux.interval(this.schedule.renewEvery(), this.schedule.renewEvery())
			.concatMap(tick -> Mono.fromCallable(this::renew).subscribeOn(Schedulers.boundedElastic()));
		Mono<List<Verification>> work = Mono.fromCallable(this::credentials)
			.subscribeOn(Schedulers.boundedElastic())
			.flatMapMany(Flux::fromIterable)
			.flatMap(key -> this.verifier.check(key, pacing, true), this.properties.concurrency())
			.collectList();
		CompletableFuture<List<Verification>> future = work.or(renewals.then(Mono.empty())).toFuture();
		this.currentRun.set(future);
		try {
			List<Verification> checked = future.join();
			Instant ended = this.clock.instant();
			Instant next = this.schedule.nextRunAt(ended, this.random.getAsDouble());
			release(Optional.of(next));
			this.results.run("completed");
			log.info("Verification run checked {} credentials in {} ms: {}; next run at {}", checked.size(),
					(System.nanoTime() - started) / 1_000_000, summary(checked), next);
			return until(next);
		}
		catch (CancellationException ex) {
			return this.schedule.afterFailure();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof LeaseLost) {
				this.held.set(null);
				this.results.run("lease-lost");
				log.warn("Verification run stopped: another replica took the lease at {}", this.lease.displayPath());
				return AFTER_LOST_RACE.plus(this.schedule.spread(this.random.getAsDouble()));
			}
			this.results.run("failed");
			log.warn("Verification run failed: {}", (ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage());
			release(taken.nextRunAt());
			return this.schedule.afterFailure();
		}
		finally {
			this.currentRun.compareAndSet(future, null);
		}
	}

	/** @return every credential path under the mount that is an Account SID and a region code */
	private List<CredentialKey> credentials() {
		return this.store.list().stream().flatMap(path -> path.credentialKey().stream()).toList();
	}

	/** @return the renewed lease; throws {@link LeaseLost} when another replica wrote it */
	private VaultLease.State renew() {
		VaultLease.State current = this.held.get();
		if (current == null) {
			throw new LeaseLost();
		}
		VaultLease.State renewed = this.lease
			.write(current, this.owner, this.clock.instant().plus(this.schedule.leaseTtl()), current.nextRunAt())
			.orElseThrow(LeaseLost::new);
		this.held.compareAndSet(current, renewed);
		return renewed;
	}

	/** Hands the lease back, expiring now, with when the next run is due (empty: due now). */
	private void release(Optional<Instant> nextRunAt) {
		VaultLease.State current = this.held.getAndSet(null);
		if (current == null) {
			return;
		}
		try {
			if (this.lease.write(current, "", this.clock.instant(), nextRunAt).isEmpty()) {
				log.warn("Another replica wrote the verification lease at {} before this run released it",
						this.lease.displayPath());
			}
		}
		catch (RuntimeException ex) {
			log.warn("Could not release the verification lease at {}: {}", this.lease.displayPath(), ex.getMessage());
		}
	}

	private Duration until(Instant at) {
		Duration wait = Duration.between(this.clock.instant(), at);
		return (wait.isNegative() ? Duration.ZERO : wait).plus(this.schedule.spread(this.random.getAsDouble()));
	}

	private static String summary(List<Verification> checked) {
		Map<Verification.Outcome, Integer> counts = new EnumMap<>(Verification.Outcome.class);
		checked.forEach(v -> counts.merge(v.outcome(), 1, Integer::sum));
		StringBuilder text = new StringBuilder();
		counts.forEach((outcome, count) -> text.append(text.isEmpty() ? "" : ", ").append(count).append(' ')
			.append(outcome.value()));
		return text.isEmpty() ? "none" : text.toString();
	}

	/** Another replica wrote the lease while this one held it. */
	private static final class LeaseLost extends RuntimeException {

		LeaseLost() {
			super("lease lost", null, false, false);
		}

	}

}
