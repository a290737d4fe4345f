package io.github.twiliovaultsidecar.seeding;

import java.net.URI;
import java.time.Clock;

import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.vault.config.VaultProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.vault.client.SimpleVaultEndpointProvider;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.client.VaultEndpointProvider;
import org.springframework.vault.config.AbstractVaultConfiguration.ClientFactoryWrapper;
import org.springframework.vault.core.VaultOperations;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.proxy.RegionBreakers;
import io.github.twiliovaultsidecar.upstream.UpstreamClient;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.StoreProperties;
import io.github.twiliovaultsidecar.store.VaultLease;
import io.github.twiliovaultsidecar.store.VerificationMarks;

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
	TwilioAccounts twilioAccounts(UpstreamClient upstream, SeedingProperties properties) {
		return new TwilioAccounts(upstream, properties.subaccountPageSize());
	}

	@Bean
	SeedingService seedingService(VaultSessions sessions, CredentialStore store, TwilioAccounts twilio,
			SeedingProperties properties, Clock clock, AuditLog audit,
			CredentialVerifier verifier, VerificationResults verifications) {
		return new SeedingService(sessions, store, twilio, audit, clock, properties.maxAge(), verifier, verifications);
	}

	@Bean
	VerificationResults verificationResults(MeterRegistry registry, Clock clock, VerificationProperties properties) {
		return new VerificationResults(registry, clock, properties.accountTags(),
				properties.enabled() ? properties.interval().multipliedBy(2).plus(properties.leaseTtl()) : null);
	}

	@Bean
	CredentialVerifier credentialVerifier(CredentialStore store, StoreProperties layout, TwilioAccounts twilio,
			RegionBreakers breakers, VaultOperations vault, VerificationResults results, Clock clock) {
		return new CredentialVerifier(store, layout.layout(), twilio, breakers,
				new VerificationMarks(vault, layout.layout()), results, clock);
	}

	/** The background runs: with the service only, never in a CLI command. */
	@Bean
	@ConditionalOnWebApplication
	VerificationRunner verificationRunner(VerificationProperties properties, VaultOperations vault,
			CredentialStore store, StoreProperties layout, CredentialVerifier verifier, VerificationResults results,
			Clock clock) {
		return new VerificationRunner(properties, new VaultLease(vault, layout.layout(), properties.leaseName()), store,
				layout.layout(), verifier, results, clock, () -> ThreadLocalRandom.current().nextDouble(),
				VerificationRunner.ownerName());
	}

	/** {@code verification} in the readiness group (always UP). */
	@Bean
	VerificationHealth verificationHealthIndicator(VerificationResults results, VerificationProperties properties) {
		return new VerificationHealth(results, properties);
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
