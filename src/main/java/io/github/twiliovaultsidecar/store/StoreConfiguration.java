package io.github.twiliovaultsidecar.store;

import java.time.Clock;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.vault.core.VaultOperations;

/** Wires the Vault store (with the service's own, read-only token) and the cache in front of it. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	/** The store every feature reads through: Vault with the service's own token, behind its breaker. */
	@Bean
	GuardedCredentialStore credentialStore(VaultOperations vaultOperations, StoreProperties properties, Clock clock) {
		return new GuardedCredentialStore(new VaultCredentialStore(vaultOperations, properties.layout()),
				properties.breakerWait(), clock);
	}

	/** {@code sidecar.vault.staleness} (seconds Vault has been unreachable) and the Vault breaker's state. */
	@Bean
	MeterBinder vaultMeters(GuardedCredentialStore store) {
		return registry -> {
			Gauge.builder("sidecar.vault.staleness", store, s -> s.staleness().toMillis() / 1000.0)
				.baseUnit("seconds")
				.description("How long Vault has been unreachable while cached credentials are served")
				.register(registry);
			TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(store.breakers()).bindTo(registry);
		};
	}

	/**
	 * Asks Vault once in the background while the rest of the service starts, so the first readiness
	 * probe finds Vault's answer instead of waiting for it.
	 */
	@Bean
	@ConditionalOnWebApplication
	Disposable vaultWarmUp(GuardedCredentialStore store) {
		return Mono.fromRunnable(store::ping).subscribeOn(Schedulers.boundedElastic()).onErrorComplete().subscribe();
	}

	@Bean
	CredentialsReadiness credentialsHealthIndicator(GuardedCredentialStore store, CredentialCache cache,
			StoreProperties properties, Clock clock) {
		return new CredentialsReadiness(store, cache, properties, clock);
	}

	@Bean
	CredentialCache credentialCache(CredentialStore store, StoreProperties properties, Clock clock,
			ObjectProvider<CacheObserver> observer) {
		return new CredentialCache(store, properties.refreshInterval(), properties.maxStaleness(), clock,
				observer.getIfAvailable(() -> CacheObserver.NONE));
	}

}
