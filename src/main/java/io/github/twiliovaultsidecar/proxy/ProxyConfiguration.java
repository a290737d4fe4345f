package io.github.twiliovaultsidecar.proxy;

import java.time.Clock;
import java.time.Duration;

import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.security.CallerAccess;
import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.StoreProperties;
import io.github.twiliovaultsidecar.upstream.UpstreamClient;

/** Wires the signing proxy. */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

	/**
	 * Spans for proxied requests; a request without trace context starts a trace only when a span
	 * exporter is configured (OTLP, or one of the application's own).
	 */
	@Bean
	ProxyTracing proxyTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator,
			ObjectProvider<SpanExporter> exporters) {
		return new ProxyTracing(tracer.getIfUnique(), propagator.getIfUnique(), exporters.stream().findAny().isPresent());
	}

	/**
	 * The event loops ({@code sidecar.proxy.event-loops}) that the HTTP server, the upstream client and
	 * the webhook forwarder share, instead of Reactor Netty's global ones (a loop per core, at least
	 * four), and the webhook forwarder's connection pool (the upstream client keeps one per loop).
	 */
	@Bean
	ReactorResourceFactory reactorResourceFactory(ProxyProperties properties) {
		ReactorResourceFactory resources = new ReactorResourceFactory();
		resources.setUseGlobalResources(false);
		resources.setLoopResourcesSupplier(() -> LoopResources.create("sidecar-http", properties.eventLoops(), true));
		resources.setConnectionProviderSupplier(() -> ConnectionProvider.builder("sidecar-client")
			.maxConnections(500)
			.pendingAcquireMaxCount(-1)
			.maxIdleTime(UpstreamClient.MAX_IDLE_TIME)
			.build());
		resources.setShutdownQuietPeriod(Duration.ofMillis(100));
		return resources;
	}

	@Bean
	UpstreamClient upstreamClient(ReactorResourceFactory resources, ProxyProperties properties, TwilioProperties twilio,
			ProxyTracing tracing) {
		return UpstreamClient.pooled(resources, properties.connectTimeout(), twilio.upstreamOverride(),
				new UpstreamObservation(tracing));
	}

	/** Sends {@code sidecar.proxy.warm-up.requests} through the proxy path before readiness goes UP. */
	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	ProxyWarmUp proxyWarmUp(WarmUpProperties warmUp, ProxyProperties properties, ResilienceProperties resilience,
			ReactorResourceFactory resources, StoreProperties store, Clock clock) {
		return new ProxyWarmUp(warmUp, properties, resilience, resources, store.layout(), clock);
	}

	/** Puts {@link ProxyEntry} in front of Spring's web handler chain. */
	@Bean
	WebHttpHandlerBuilderCustomizer proxyEntry(SigningProxy proxy, ProxyMetrics metrics, CallerAccess access,
			ProxyTracing tracing) {
		return builder -> builder.httpHandlerDecorator(next -> new ProxyEntry(next, proxy, metrics, access, tracing));
	}

	@Bean
	RegionGuards regionGuards(ResilienceProperties resilience, Clock clock) {
		return new RegionGuards(resilience, clock);
	}

	/** Breaker and bulkhead state per regional host, as {@code resilience4j.circuitbreaker.*} and {@code resilience4j.bulkhead.*}. */
	@Bean
	MeterBinder regionGuardMeters(RegionGuards guards) {
		return registry -> {
			TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(guards.breakers()).bindTo(registry);
			TaggedBulkheadMetrics.ofBulkheadRegistry(guards.bulkheads()).bindTo(registry);
		};
	}

	@Bean
	ProxyMetrics proxyMetrics(MeterRegistry registry, ProxyProperties properties) {
		return new ProxyMetrics(registry, properties.products());
	}

	@Bean
	SigningProxy signingProxy(ProxyProperties properties, CredentialCache credentials, StoreProperties store,
			UpstreamClient upstream, ResilienceProperties resilience, RegionGuards guards, Clock clock,
			CallerAccess access, AuditLog audit, MeterRegistry registry, ProxyMetrics metrics) {
		return new SigningProxy(properties, credentials, store.layout(), upstream, resilience, guards,
				new AccountPermits(resilience.accounts(), metrics::accountLimited), clock, access, audit,
				new Redaction(credentials::held, credentials::changes, CredentialResources.shipped(), registry));
	}

}
