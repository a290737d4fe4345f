package io.github.twiliovaultsidecar.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

/**
 * Readiness of the credential path ({@code credentials} in the readiness group). DOWN before Vault
 * has first answered, and once Vault has been unreachable for longer than the maximum staleness.
 * A shorter outage keeps readiness UP, with the outage and its age in the details: in sidecar mode a
 * DOWN readiness takes the app's pod out of service, which is the very failure the cache guards
 * against. When {@code sidecar.vault.required-credentials} names entries, each must be readable.
 */
final class CredentialsReadiness implements ReactiveHealthIndicator {

	/** How old Vault's last answer may be before a probe asks Vault again. */
	static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

	private final GuardedCredentialStore store;

	private final CredentialCache cache;

	private final StoreProperties properties;

	private final Clock clock;

	CredentialsReadiness(GuardedCredentialStore store, CredentialCache cache, StoreProperties properties, Clock clock) {
		this.store = store;
		this.cache = cache;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromCallable(this::check).subscribeOn(Schedulers.boundedElastic());
	}

	private Health check() {
		Instant now = this.clock.instant();
		Optional<Instant> last = this.store.lastAnswer();
		if (last.isEmpty() || this.store.lastFailure().isPresent()
				|| Duration.between(last.get(), now).compareTo(PROBE_INTERVAL) >= 0) {
			try {
				this.store.ping();
			}
			catch (CredentialStoreException.Unavailable ex) {
				// reported below from the store's last failure
			}
		}
		last = this.store.lastAnswer();
		if (last.isEmpty()) {
			return Health.down()
				.withDetail("vault", "not reached yet")
				.withDetail("error", this.store.lastFailure().orElse("unknown"))
				.build();
		}
		Duration staleness = Duration.between(last.get(), now);
		if (this.store.lastFailure().isPresent()) {
			Health.Builder builder = staleness.compareTo(this.properties.maxStaleness()) > 0 ? Health.down() : Health.up();
			return builder.withDetail("vault", "unreachable: serving cached credentials")
				.withDetail("staleness", staleness.toString())
				.withDetail("maxStaleness", this.properties.maxStaleness().toString())
				.withDetail("error", this.store.lastFailure().get())
				.build();
		}
		for (CredentialKey key : this.properties.requiredKeys()) {
			try {
				this.cache.get(key).block(Duration.ofSeconds(10));
			}
			catch (CredentialStoreException ex) {
				return Health.down().withDetail("vault", "reachable").withDetail("required", ex.getMessage()).build();
			}
		}
		return Health.up()
			.withDetail("vault", "reachable")
			.withDetail("oldestCachedCredential", this.cache.maxAge().toString())
			.build();
	}

}
