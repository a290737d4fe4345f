package io.github.twiliovaultsidecar.proxy;

import java.time.Clock;
import java.util.Map;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class RegionGuardsTests {

	private final RegionGuards guards = new RegionGuards(new Binder(new MapConfigurationPropertySource(Map.of()))
		.bindOrCreate("sidecar.resilience", ResilienceProperties.class), Clock.systemUTC());

	@Test
	void eachHostKeepsOneBreakerAndOneBulkheadTheRegistriesAndSoTheMetersSeeToo() {
		CircuitBreaker dublin = this.guards.breaker("api.dublin.ie1.twilio.com");
		Bulkhead dublinBulkhead = this.guards.bulkhead("api.dublin.ie1.twilio.com");
		assertThat(this.guards.breaker("api.dublin.ie1.twilio.com")).isSameAs(dublin);
		assertThat(this.guards.bulkhead("api.dublin.ie1.twilio.com")).isSameAs(dublinBulkhead);
		assertThat(this.guards.breakers().find("api.dublin.ie1.twilio.com")).containsSame(dublin);
		assertThat(this.guards.bulkheads().find("api.dublin.ie1.twilio.com")).containsSame(dublinBulkhead);

		CircuitBreaker sydney = this.guards.breaker("api.sydney.au1.twilio.com");
		assertThat(sydney).isNotSameAs(dublin);
		assertThat(this.guards.bulkhead("api.sydney.au1.twilio.com")).isNotSameAs(dublinBulkhead);
		assertThat(this.guards.breakers().getAllCircuitBreakers()).containsExactlyInAnyOrder(dublin, sydney);
	}

	@Test
	void aBreakerFoundAgainKeepsItsState() {
		this.guards.breaker("api.dublin.ie1.twilio.com").transitionToOpenState();
		assertThat(this.guards.breaker("api.dublin.ie1.twilio.com").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.guards.breakers().circuitBreaker("api.dublin.ie1.twilio.com").getState())
			.isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.guards.breaker("api.sydney.au1.twilio.com").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

}
