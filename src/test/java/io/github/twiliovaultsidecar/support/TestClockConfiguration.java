package io.github.twiliovaultsidecar.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Replaces the service's clock with a {@link MutableClock} a test can advance ({@code @Import} it and
 * {@code @Autowired MutableClock clock}), so breakers, caches and grace windows are tested without sleeping.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestClockConfiguration {

	@Bean
	@Primary
	MutableClock testClock() {
		return MutableClock.startingNow();
	}

}
