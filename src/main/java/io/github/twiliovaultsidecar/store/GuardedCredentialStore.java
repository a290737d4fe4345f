package io.github.twiliovaultsidecar.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * A {@link CredentialStore} behind a circuit breaker of its own, so a Vault outage costs one fast
 * failure per call instead of a connect timeout, and a record of when Vault last answered, for
 * readiness and the staleness metric. Only {@link CredentialStoreException.Unavailable} counts as a
 * Vault failure: a missing or malformed entry, or a denial, is Vault answering.
 */
final class GuardedCredentialStore implements CredentialStore {

	/** Name of the breaker, as it appears in metrics. */
	static final String BREAKER = "vault";

	private final CredentialStore delegate;

	private final CircuitBreakerRegistry breakers;

	private final CircuitBreaker breaker;

	private final Clock clock;

	private final AtomicReference<Instant> lastAnswer = new AtomicReference<>();

	private final AtomicReference<String> lastFailure = new AtomicReference<>();

	/**
	 * @param delegate the store that talks to Vault
	 * @param waitInOpen how long the breaker stays open after Vault failed repeatedly
	 * @param clock the time source
	 */
	GuardedCredentialStore(CredentialStore delegate, Duration waitInOpen, Clock clock) {
		this.delegate = delegate;
		this.clock = clock;
		this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(50)
			.minimumNumberOfCalls(5)
			.slidingWindowSize(10)
			.waitDurationInOpenState(waitInOpen)
			.permittedNumberOfCallsInHalfOpenState(1)
			.recordException(ex -> ex instanceof CredentialStoreException.Unavailable)
			.clock(clock)
			.build());
		this.breaker = this.breakers.circuitBreaker(BREAKER);
	}

	/** @return when Vault last answered a call, empty when it never has */
	public Optional<Instant> lastAnswer() {
		return Optional.ofNullable(this.lastAnswer.get());
	}

	/** @return the last Vault failure, with no secret in it; empty once Vault answers again */
	public Optional<String> lastFailure() {
		return Optional.ofNullable(this.lastFailure.get());
	}

	/**
	 * @return how long Vault has been unreachable (time since its last answer while the last call
	 * failed), zero while it answers
	 */
	public Duration staleness() {
		Instant last = this.lastAnswer.get();
		if (this.lastFailure.get() == null || last == null) {
			return Duration.ZERO;
		}
		return Duration.between(last, this.clock.instant());
	}

	/** @return the registry holding the Vault breaker, for metrics */
	public CircuitBreakerRegistry breakers() {
		return this.breakers;
	}

	@Override
	public RegionalCredential read(CredentialKey key) {
		return guarded(key.toString(), () -> this.delegate.read(key));
	}

	@Override
	public RegionalCredential read(CredentialKey key, long version) {
		return guarded(key.toString(), () -> this.delegate.read(key, version));
	}

	@Override
	public OptionalLong currentVersion(CredentialKey key) {
		return guarded(key.toString(), () -> this.delegate.currentVersion(key));
	}

	@Override
	public long write(CredentialKey key, Map<String, String> data, SeedMetadata metadata, long cas) {
		return guarded(key.toString(), () -> this.delegate.write(key, data, metadata, cas));
	}

	@Override
	public SeedMetadata recordVerified(CredentialKey key, String verifiedAt, String fingerprint) {
		return guarded(key.toString(), () -> this.delegate.recordVerified(key, verifiedAt, fingerprint));
	}

	@Override
	public boolean mayWrite(CredentialKey key) {
		return guarded(key.toString(), () -> this.delegate.mayWrite(key));
	}

	@Override
	public Optional<EntryMetadata> metadata(CredentialKey key) {
		return guarded(key.toString(), () -> this.delegate.metadata(key));
	}

	/** Not guarded: a failed read is an empty answer, not a Vault failure. */
	@Override
	public Optional<Map<String, ?>> storedData(StoredPath path) {
		return this.delegate.storedData(path);
	}

	@Override
	public List<StoredPath> list() {
		return guarded("list", this.delegate::list);
	}

	@Override
	public Optional<EntryMetadata> metadata(StoredPath path) {
		return guarded(path.toString(), () -> this.delegate.metadata(path));
	}

	@Override
	public void ping() {
		guarded("ping", () -> {
			this.delegate.ping();
			return null;
		});
	}

	private <T> T guarded(String what, Supplier<T> call) {
		try {
			T result = this.breaker.executeSupplier(() -> {
				try {
					return call.get();
				}
				catch (CredentialStoreException ex) {
					if (!(ex instanceof CredentialStoreException.Unavailable)) {
						answered();
					}
					throw ex;
				}
			});
			answered();
			return result;
		}
		catch (CallNotPermittedException ex) {
			throw new CredentialStoreException.Unavailable(what, "call (circuit breaker open after repeated failures)",
					null);
		}
		catch (CredentialStoreException.Unavailable ex) {
			this.lastFailure.set(ex.getMessage());
			throw ex;
		}
	}

	private void answered() {
		this.lastAnswer.set(this.clock.instant());
		this.lastFailure.set(null);
	}

}
