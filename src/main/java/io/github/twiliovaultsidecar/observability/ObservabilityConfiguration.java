package io.github.twiliovaultsidecar.observability;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.restclient.observation.ObservationRestTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.vault.client.RestTemplateCustomizer;

import io.github.twiliovaultsidecar.store.CacheObserver;
import io.github.twiliovaultsidecar.store.CredentialCache;

/**
 * Credential-cache meters, and the trace context carried onto the thread that calls Vault so Vault
 * spans join the caller's trace. Vault call latency and errors come from Spring Cloud Vault's own
 * observation ({@code http.client.requests}); upstream and server requests from Spring's.
 */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

	/**
	 * Vault calls observed under their own name. Spring Cloud Vault's own customizer (excluded in
	 * application.properties) names them {@code http.client.requests}, where the Prometheus registry drops
	 * them because the upstream WebClient already registered that name with other tag keys.
	 */
	@Bean
	RestTemplateCustomizer vaultObservationCustomizer(ObservationRegistry registry) {
		ObservationRestTemplateCustomizer observed = new ObservationRestTemplateCustomizer(registry,
				new VaultObservationConvention());
		return observed::customize;
	}

	@Bean
	CacheObserver credentialCacheObserver(MeterRegistry registry, ObjectProvider<Tracer> tracer) {
		return new MeteredCacheObserver(registry, tracer.getIfUnique());
	}

	@Bean
	MeterBinder credentialCacheGauges(CredentialCache cache) {
		return registry -> {
			Gauge.builder(SidecarMeters.CACHE_MAX_AGE, cache, c -> c.maxAge().toNanos() / 1e9)
				.description("How long ago the oldest cached credential was last confirmed with Vault")
				.baseUnit("seconds")
				.register(registry);
			Gauge.builder(SidecarMeters.CACHE_SIZE, cache, CredentialCache::size)
				.description("Credentials held in memory")
				.register(registry);
		};
	}

	/**
	 * Counts cache outcomes; restores the caller's trace on the Vault thread: the observation of a
	 * request Spring handled, or the span a proxied request put in the Reactor context.
	 */
	static final class MeteredCacheObserver implements CacheObserver {

		private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

		private final Counter hits;

		private final Counter misses;

		private final Map<Refresh, Counter> refreshes = new EnumMap<>(Refresh.class);

		private final Tracer tracer;

		MeteredCacheObserver(MeterRegistry registry, Tracer tracer) {
			this.tracer = tracer;
			this.hits = cacheRequests(registry, "hit");
			this.misses = cacheRequests(registry, "miss");
			for (Refresh outcome : Refresh.values()) {
				this.refreshes.put(outcome, Counter.builder(SidecarMeters.CACHE_REFRESHES)
					.description("Checks of a cached credential against Vault, from the last fifth of its refresh interval on")
					.tag("result", outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'))
					.register(registry));
			}
		}

		private static Counter cacheRequests(MeterRegistry registry, String result) {
			return Counter.builder(SidecarMeters.CACHE_REQUESTS)
				.description("Credential lookups, served from memory (hit) or not cached yet (miss: read from Vault, or a read already under way shared)")
				.tag("result", result)
				.register(registry);
		}

		@Override
		public void hit() {
			this.hits.increment();
		}

		@Override
		public void miss() {
			this.misses.increment();
		}

		@Override
		public void refreshed(Refresh outcome) {
			this.refreshes.get(outcome).increment();
		}

		@Override
		public <T> Mono<T> vaultCall(Callable<T> call) {
			return Mono.deferContextual(context -> {
				ContextSnapshot snapshot = SNAPSHOTS.captureFrom(context);
				Span span = (this.tracer != null) ? context.getOrDefault(Span.class, null) : null;
				return Mono.fromCallable(() -> {
					try (ContextSnapshot.Scope scope = snapshot.setThreadLocals();
							Tracer.SpanInScope inSpan = (span != null) ? this.tracer.withSpan(span) : null) {
						return call.call();
					}
				});
			});
		}

	}

}
