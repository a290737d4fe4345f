package io.github.twiliovaultsidecar.store;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
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

	@Bean
	VaultCredentialStore credentialStore(VaultOperations vaultOperations, StoreProperties properties) {
		return new VaultCredentialStore(vaultOperations, properties.layout());
	}

	@Bean
	CredentialCache credentialCache(CredentialStore store, StoreProperties properties, Clock clock,
			ObjectProvider<CacheObserver> observer) {
		return new CredentialCache(store, properties.refreshInterval(), properties.maxStaleness(), clock,
				observer.getIfAvailable(() -> CacheObserver.NONE));
	}

}
