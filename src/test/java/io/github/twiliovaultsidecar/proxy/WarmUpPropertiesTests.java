package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What {@code sidecar.proxy.warm-up.*} accepts. */
class WarmUpPropertiesTests {

	@Test
	void zeroRequestsTurnTheWarmUpOff() {
		assertThat(new WarmUpProperties(0, Duration.ofSeconds(5), 16).enabled()).isFalse();
		assertThat(new WarmUpProperties(1, Duration.ofSeconds(5), 16).enabled()).isTrue();
	}

	@Test
	void aNegativeCountANonPositiveTimeoutOrNoConcurrencyIsRefusedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WarmUpProperties(-1, Duration.ofSeconds(5), 16))
			.withMessageContaining("sidecar.proxy.warm-up.requests");
		assertThatIllegalArgumentException().isThrownBy(() -> new WarmUpProperties(10, Duration.ZERO, 16))
			.withMessageContaining("sidecar.proxy.warm-up.timeout");
		assertThatIllegalArgumentException().isThrownBy(() -> new WarmUpProperties(10, Duration.ofSeconds(5), 0))
			.withMessageContaining("sidecar.proxy.warm-up.concurrency");
	}

}
