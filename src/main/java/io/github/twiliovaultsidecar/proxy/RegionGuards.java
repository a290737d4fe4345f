package io.github.twiliovaultsidecar.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * One Resilience4j circuit breaker and one bulkhead per regional host, so a failing or slow region
 * cannot use up the capacity other regions need. A 5xx answer, a connect failure and a timeout count
 * as failures; any other answer (4xx included) as a success. Time comes from the injected clock.
 * <p>
 * Each host's breaker and bulkhead are kept here once created: the bulkhead registry's own lookup
 * builds the entry's tags again on every call, and the breaker registry's looks its configuration up
 * and makes a supplier each time; a request asks for both. The registries still hold every one of
 * them, for their meters.
 */
final class RegionGuards implements RegionBreakers {

	private final CircuitBreakerRegistry breakers;

	private final BulkheadRegistry bulkheads;

	private final Duration waitInOpen;

	private final Map<String, CircuitBreaker> breakerByHost = new ConcurrentHashMap<>();

	private final Map<String, Bulkhead> bulkheadByHost = new ConcurrentHashMap<>();

	RegionGuards(ResilienceProperties properties, Clock clock) {
		ResilienceProperties.Breaker breaker = properties.breaker();
		this.waitInOpen = breaker.waitInOpen();
		this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(breaker.failureRateThreshold())
			.minimumNumberOfCalls(breaker.minimumCalls())
			.slidingWindowSize(breaker.windowSize())
			.waitDurationInOpenState(breaker.waitInOpen())
			.permittedNumberOfCallsInHalfOpenState(breaker.probeCalls())
			.clock(clock)
			.build());
		this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
			.maxConcurrentCalls(properties.bulkhead().maxConcurrent())
			.maxWaitDuration(Duration.ZERO)
			.build());
	}

	/** @return the breaker for a host, created on first use */
	CircuitBreaker breaker(String host) {
		CircuitBreaker breaker = this.breakerByHost.get(host);
		return (breaker != null) ? breaker : this.breakerByHost.computeIfAbsent(host, this.breakers::circuitBreaker);
	}

	/** @return the bulkhead for a host, created on first use */
	Bulkhead bulkhead(String host) {
		Bulkhead bulkhead = this.bulkheadByHost.get(host);
		return (bulkhead != null) ? bulkhead : this.bulkheadByHost.computeIfAbsent(host, this.bulkheads::bulkhead);
	}

	/** An open (or forced-open) breaker holds back for its whole wait in the open state. */
	@Override
	public Optional<Duration> holdBack(String host) {
		CircuitBreaker breaker = this.breakerByHost.get(host);
		if (breaker == null) {
			return Optional.empty();
		}
		CircuitBreaker.State state = breaker.getState();
		return (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN)
				? Optional.of(this.waitInOpen) : Optional.empty();
	}

	/** @return how long an open breaker stays open, for {@code Retry-After} */
	Duration waitInOpen() {
		return this.waitInOpen;
	}

	CircuitBreakerRegistry breakers() {
		return this.breakers;
	}

	BulkheadRegistry bulkheads() {
		return this.bulkheads;
	}

}
