package io.github.twiliovaultsidecar.seeding;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

/**
 * {@code verification} in the readiness group: always UP, so a credential Twilio rejected never takes
 * the pod out of service (the other credentials still work), with the paths whose last check on this
 * instance Twilio rejected in the details.
 */
final class VerificationHealth implements ReactiveHealthIndicator {

	private final VerificationResults results;

	private final VerificationProperties properties;

	VerificationHealth(VerificationResults results, VerificationProperties properties) {
		this.results = results;
		this.properties = properties;
	}

	@Override
	public Mono<Health> health() {
		List<String> rejected = this.results.rejected();
		return Mono.just(Health.up()
			.withDetail("interval", this.properties.enabled() ? this.properties.interval().toString() : "off")
			.withDetail("rejected", rejected)
			.build());
	}

}
