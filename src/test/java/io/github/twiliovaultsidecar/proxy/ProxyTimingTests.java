package io.github.twiliovaultsidecar.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyTimingTests {

	@ParameterizedTest
	@CsvSource({ "0, 0.000", "999, 0.000", "1000, 0.001", "412000, 0.412", "1050000, 1.050", "12345678900, 12345.678" })
	void formatsNanosecondsAsMillisecondsWithThreeDecimals(long nanos, String millis) {
		assertThat(ProxyTiming.millis(nanos)).isEqualTo(millis);
	}

	@Test
	void overheadIsTheTotalMinusEveryUpstreamExchangeAndNeverNegative() {
		ProxyTiming timing = new ProxyTiming(1_000);
		timing.upstreamAnswered("api.dublin.ie1.twilio.com", 300);
		timing.upstreamAnswered("api.dublin.ie1.twilio.com", 200);
		assertThat(timing.overheadNanos(2_000)).isEqualTo(500);
		assertThat(timing.overheadNanos(1_100)).isZero();
		assertThat(timing.upstreamHost()).isEqualTo("api.dublin.ie1.twilio.com");
	}

	@Test
	void workLeftForAfterTheResponseRunsOnceInOrderWhenItWasSent() {
		ProxyTiming timing = new ProxyTiming(0);
		List<String> done = new ArrayList<>();
		timing.afterResponse(() -> done.add("meters"));
		timing.afterResponse(() -> done.add("audit line"));
		assertThat(done).as("nothing before the response was sent").isEmpty();
		timing.responded();
		timing.responded();
		assertThat(done).containsExactly("meters", "audit line");
	}

	@Test
	void workLeftOnceTheResponseWasSentRunsAtOnce() {
		ProxyTiming timing = new ProxyTiming(0);
		List<String> done = new ArrayList<>();
		timing.responded();
		timing.afterResponse(() -> done.add("audit line"));
		assertThat(done).containsExactly("audit line");
	}

	@Test
	void onePieceFailingDoesNotKeepTheOthersFromRunning() {
		ProxyTiming timing = new ProxyTiming(0);
		List<String> done = new ArrayList<>();
		timing.afterResponse(() -> {
			throw new IllegalStateException("meter registry closed");
		});
		timing.afterResponse(() -> done.add("audit line"));
		timing.responded();
		assertThat(done).containsExactly("audit line");
	}

	@Test
	void workLeftFromAnotherThreadWhileTheResponseIsSentRunsExactlyOnce() throws Exception {
		for (int round = 0; round < 500; round++) {
			ProxyTiming timing = new ProxyTiming(0);
			AtomicInteger runs = new AtomicInteger();
			Thread leaving = new Thread(() -> timing.afterResponse(runs::incrementAndGet));
			leaving.start();
			timing.responded();
			leaving.join();
			assertThat(runs).as("round %d", round).hasValue(1);
		}
	}

}
