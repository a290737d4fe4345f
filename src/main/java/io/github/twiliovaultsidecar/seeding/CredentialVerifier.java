package io.github.twiliovaultsidecar.seeding;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.proxy.RegionBreakers;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialReader;
import io.github.twiliovaultsidecar.store.CredentialStoreException;
import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.VerificationMarks;
import io.github.twiliovaultsidecar.twilio.TwilioHost;

/**
 * Checks one stored credential against its regional host with the same read seeding makes
 * ({@link TwilioAccounts#check}), reading it with the service's own token, and records the outcome:
 * in {@link VerificationResults}, and in the entry's custom metadata when the service's Vault policy
 * allows the patch ({@link VerificationMarks}). A credential Twilio rejects is logged by path, never
 * by value. Waits before each check as its {@link VerificationPacing} says, holds back while the
 * region's circuit breaker is open, and never fails: every failure becomes an outcome.
 */
final class CredentialVerifier {

	private static final Logger log = LoggerFactory.getLogger(CredentialVerifier.class);

	private static final String PRODUCT = "api";

	private final CredentialReader store;

	private final VaultLayout layout;

	private final TwilioAccounts twilio;

	private final RegionBreakers breakers;

	private final VerificationMarks marks;

	private final VerificationResults results;

	private final Clock clock;

	/** Whether the service's policy let it patch metadata last time; tried again on each run. */
	private final AtomicBoolean marksAllowed = new AtomicBoolean(true);

	CredentialVerifier(CredentialReader store, VaultLayout layout, TwilioAccounts twilio, RegionBreakers breakers,
			VerificationMarks marks, VerificationResults results, Clock clock) {
		this.store = store;
		this.layout = layout;
		this.twilio = twilio;
		this.breakers = breakers;
		this.marks = marks;
		this.results = results;
		this.clock = clock;
	}

	/** Lets the next check try to record its outcome in Vault again, whatever the last one found. */
	void retryMarks() {
		this.marksAllowed.set(true);
	}

	/**
	 * @param skipUnreadable when true, an entry the service's policy may not read completes empty
	 * (nothing recorded); otherwise it is an {@link Verification.Outcome#ERROR}
	 * @return the recorded outcome; never an error signal
	 */
	Mono<Verification> check(CredentialKey key, VerificationPacing pacing, boolean skipUnreadable) {
		String path = this.layout.displayPath(key);
		return Mono.fromCallable(() -> this.store.read(key))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(credential -> attempt(key, path, credential, pacing, 1)
				.flatMap(verification -> record(key, path, verification, Optional.of(credential.fingerprint()))))
			.onErrorResume(CredentialStoreException.AccessDenied.class,
					ex -> skipUnreadable ? Mono.empty()
							: unread(key, path, Verification.Outcome.ERROR,
									"the service's Vault policy may not read " + path))
			.onErrorResume(CredentialStoreException.NotFound.class,
					ex -> unread(key, path, Verification.Outcome.UNUSABLE, "no credential is stored at " + path))
			.onErrorResume(CredentialStoreException.Malformed.class,
					ex -> unread(key, path, Verification.Outcome.UNUSABLE, ex.getMessage()))
			.onErrorResume(SidecarException.class,
					ex -> unread(key, path, Verification.Outcome.ERROR, ex.getMessage()));
	}

	/** Records the outcome for an entry that could not be read as a credential. */
	private Mono<Verification> unread(CredentialKey key, String path, Verification.Outcome outcome, String detail) {
		return record(key, path, verification(outcome, detail, null), Optional.empty());
	}

	private Mono<Verification> attempt(CredentialKey key, String path, RegionalCredential credential,
			VerificationPacing pacing, int attempt) {
		return Mono.defer(() -> {
			CredentialInput input = CredentialInput.fromStored(credential);
			TwilioHost host = TwilioHost.of(PRODUCT, key.region(), credential.edge());
			Long version = credential.version();
			Optional<Duration> hold = this.breakers.holdBack(host.hostName());
			if (hold.isPresent()) {
				if (attempt >= pacing.maxAttempts()) {
					return Mono.just(verification(Verification.Outcome.ERROR,
							"the circuit breaker for " + host.hostName() + " is open: Twilio is failing there", version));
				}
				this.results.throttled(VerificationResults.REASON_BREAKER_OPEN);
				return Mono.delay(pacing.holdBack(hold.get()))
					.then(attempt(key, path, credential, pacing, attempt + 1));
			}
			return pacing.permit(key.region())
				.then(this.twilio.check(key.account(), host, input))
				.flatMap(answer -> {
					if (answer.accepted()) {
						return Mono.just(verification(Verification.Outcome.VERIFIED,
								"Twilio accepted it on " + host.hostName(), version));
					}
					if (answer.throttled()) {
						if (attempt >= pacing.maxAttempts()) {
							return Mono.just(verification(Verification.Outcome.ERROR, "Twilio answered "
									+ answer.status() + " on " + host.hostName() + " " + attempt
									+ " times (too many concurrent requests); nothing proven", version));
						}
						this.results.throttled(VerificationResults.REASON_TWILIO_429);
						Duration wait = pacing.throttled(key.region(), attempt, answer.retryAfter());
						return Mono.delay(wait).then(attempt(key, path, credential, pacing, attempt + 1));
					}
					if (answer.rejected()) {
						log.warn("Twilio rejected the stored credential at {} (version {}): {} answered {}; reseed it",
								path, version, host.hostName(), answer.status());
						return Mono.just(verification(Verification.Outcome.REJECTED,
								"Twilio answered " + answer.status() + " on " + host.hostName()
										+ ": the credential is not valid for this region; reseed it",
								version));
					}
					return Mono.just(verification(Verification.Outcome.ERROR,
							"Twilio answered " + answer.status() + " on " + host.hostName() + "; nothing proven", version));
				});
		}).onErrorResume(SidecarException.class,
				ex -> Mono.just(verification(Verification.Outcome.ERROR, ex.getMessage(), credential.version())));
	}

	/**
	 * Records in memory, then in Vault when allowed (only for an entry that was read: one that is not
	 * there has no metadata to patch); a failure to write to Vault changes no outcome.
	 */
	private Mono<Verification> record(CredentialKey key, String path, Verification verification,
			Optional<String> fingerprint) {
		this.results.record(key, path, verification);
		if (!this.marksAllowed.get() || verification.version() == null) {
			return Mono.just(verification);
		}
		Optional<String> verified = fingerprint.filter(f -> verification.outcome() == Verification.Outcome.VERIFIED);
		return Mono.fromCallable(() -> {
			this.marks.record(key, verification.outcome().value(), verification.at(), verified);
			return verification;
		}).subscribeOn(Schedulers.boundedElastic()).onErrorResume(CredentialStoreException.class, ex -> {
			if (!(ex instanceof CredentialStoreException.AccessDenied)) {
				log.warn("Could not record the verification of {} in Vault: {}", path, ex.getMessage());
			}
			else if (this.marksAllowed.getAndSet(false)) {
				log.info("The service's Vault policy may not patch the metadata of {}: verification outcomes and "
						+ "verified_at stay in memory (grant the twilio-credential-verifier policy to record them)", path);
			}
			return Mono.just(verification);
		});
	}

	private Verification verification(Verification.Outcome outcome, String detail, Long version) {
		return Verification.of(outcome, this.clock.instant(), detail, version);
	}

}
