package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sidecar.proxy.warm-up.*}: the requests the service sends through its own proxy path before
 * readiness goes UP, so that the first callers of a new pod meet compiled code ({@link ProxyWarmUp}).
 *
 * @param requests how many requests at most; 0 turns the warm-up off
 * @param timeout longest the warm-up may hold readiness back; it stops there, whatever was sent
 * @param concurrency requests in flight at a time
 */
@ConfigurationProperties("sidecar.proxy.warm-up")
public record WarmUpProperties(@DefaultValue("3000") int requests, @DefaultValue("5s") Duration timeout,
		@DefaultValue("16") int concurrency) {

	public WarmUpProperties {
		if (requests < 0) {
			throw new IllegalArgumentException("sidecar.proxy.warm-up.requests must be 0 (off) or more, got " + requests);
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("sidecar.proxy.warm-up.timeout must be positive, got " + timeout);
		}
		if (concurrency < 1) {
			throw new IllegalArgumentException("sidecar.proxy.warm-up.concurrency must be at least 1, got " + concurrency);
		}
	}

	/** @return whether the warm-up runs */
	public boolean enabled() {
		return this.requests > 0;
	}

}
