package io.github.twiliovaultsidecar.proxy;

import io.micrometer.tracing.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyTracingTests {

	@Test
	void withTracingOffTheAuditTraceIdIsTheCallersValidTraceId() {
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		assertThat(ProxyTracing.traceId(null, headers(traceparent))).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "", "00", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
			"00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
			"004bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e47\"}-00f067aa0ba902b7-01",
			"00-4bf92f3577b34da6a3ce929d0e0e4736", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
			"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
			"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01,00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
			"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra" })
	void withTracingOffAnythingTraceContextRefusesGivesNoTraceIdAndNeverTheHeader(String traceparent) {
		assertThat(ProxyTracing.traceId(null, headers(traceparent))).isNull();
	}

	@Test
	void aNoOpSpansEmptyTraceIdFallsBackToTheCallers() {
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		assertThat(ProxyTracing.traceId(Span.NOOP, headers(traceparent))).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(ProxyTracing.traceId(Span.NOOP, headers(null))).isNull();
	}

	private static HttpHeaders headers(String traceparent) {
		HttpHeaders headers = new HttpHeaders();
		if (traceparent != null) {
			headers.set("traceparent", traceparent);
		}
		return headers;
	}

}
