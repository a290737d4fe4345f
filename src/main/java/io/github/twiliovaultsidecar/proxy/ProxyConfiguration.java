package io.github.twiliovaultsidecar.proxy;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.StoreProperties;

/** Wires the signing proxy. */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

	@Bean
	UpstreamClient upstreamClient(ProxyProperties properties, ObjectProvider<WebClient.Builder> builder) {
		return new UpstreamClient(properties, builder.getIfAvailable(WebClient::builder));
	}

	@Bean
	ProxyMetrics proxyMetrics(MeterRegistry registry, ProxyProperties properties) {
		return new ProxyMetrics(registry, properties.products());
	}

	@Bean
	SigningProxy signingProxy(ProxyProperties properties, CredentialCache credentials, StoreProperties store,
			UpstreamClient upstream) {
		return new SigningProxy(properties, credentials, store.layout(), upstream);
	}

}
