package io.github.twiliovaultsidecar.webhook;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.CredentialReader;
import io.github.twiliovaultsidecar.store.StoreProperties;

/** Wires webhook validation and the front door's client to the apps. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

	@Bean
	WebhookValidator webhookValidator(CredentialCache cache, CredentialReader store, Clock clock,
			WebhookProperties properties, StoreProperties storeProperties, MeterRegistry meters) {
		SigningTokens tokens = new SigningTokens(cache, store, clock, properties.rotationGrace(),
				storeProperties.refreshInterval());
		return new WebhookValidator(tokens, meters);
	}

	/**
	 * The client the front door forwards with. It never retries: a retried webhook could make an app
	 * act twice.
	 */
	@Bean
	WebClient webhookAppClient(WebhookProperties properties, ReactorResourceFactory resources) {
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(resources,
					http -> http.disableRetry(true).responseTimeout(properties.forwardTimeout())))
			.build();
	}

}
