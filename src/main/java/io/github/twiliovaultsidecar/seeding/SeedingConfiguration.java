package io.github.twiliovaultsidecar.seeding;

import java.net.URI;
import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.vault.config.VaultProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.vault.client.SimpleVaultEndpointProvider;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.client.VaultEndpointProvider;
import org.springframework.vault.config.AbstractVaultConfiguration.ClientFactoryWrapper;
import org.springframework.vault.core.VaultOperations;

import io.github.twiliovaultsidecar.security.AuditLog;
import io.github.twiliovaultsidecar.proxy.UpstreamClient;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.StoreProperties;

/**
 * Wires seeding. Per-caller Vault sessions use the endpoint and the HTTP client Spring Cloud Vault
 * built for the service's own session, so TLS settings apply to both.
 */
@Configuration(proxyBeanMethods = false)
class SeedingConfiguration {

	@Bean
	VaultSessions vaultSessions(ObjectProvider<VaultEndpointProvider> endpointProvider, VaultProperties vault,
			ClientFactoryWrapper clientFactory, StoreProperties store) {
		VaultEndpointProvider endpoint = endpointProvider.getIfAvailable(() -> SimpleVaultEndpointProvider.of(endpoint(vault)));
		return new VaultSessions(endpoint, clientFactory.getClientHttpRequestFactory(), store.layout());
	}

	@Bean
	SeedingService seedingService(VaultSessions sessions, CredentialStore store, VaultOperations vault,
			UpstreamClient upstream, SeedingProperties properties, Clock clock, AuditLog audit) {
		return new SeedingService(sessions, store, vault, new TwilioAccounts(upstream, properties.subaccountPageSize()),
				audit, clock, properties.maxAge());
	}

	/** @return the endpoint as Spring Cloud Vault derives it: {@code uri}, else scheme, host and port */
	static VaultEndpoint endpoint(VaultProperties vault) {
		if (vault.getUri() != null && !vault.getUri().isBlank()) {
			return VaultEndpoint.from(URI.create(vault.getUri()));
		}
		VaultEndpoint endpoint = VaultEndpoint.create(vault.getHost(), vault.getPort());
		endpoint.setScheme(vault.getScheme());
		return endpoint;
	}

}
