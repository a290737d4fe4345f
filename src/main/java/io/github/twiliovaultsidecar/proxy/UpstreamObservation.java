package io.github.twiliovaultsidecar.proxy;

import io.micrometer.tracing.Span;
import reactor.util.context.ContextView;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import io.github.twiliovaultsidecar.upstream.UpstreamObserver;

/**
 * Observes upstream exchanges for the proxy: a client span per exchange ({@link ProxyTracing}) and,
 * for a proxied request, its {@link ProxyTiming} (found in the Reactor context under that class).
 */
final class UpstreamObservation implements UpstreamObserver {

	/** Twilio's answer header telling how many of the account's requests it is processing at once. */
	static final String TWILIO_CONCURRENT_REQUESTS = "Twilio-Concurrent-Requests";

	private final ProxyTracing tracing;

	UpstreamObservation(ProxyTracing tracing) {
		this.tracing = tracing;
	}

	@Override
	public Exchange sending(ContextView context, HttpMethod method, String host) {
		ProxyTiming timing = context.getOrDefault(ProxyTiming.class, null);
		Span span = this.tracing.upstream(context, method, host);
		return new Exchange() {

			@Override
			public void headers(HttpHeaders outgoing) {
				UpstreamObservation.this.tracing.inject(context, span, outgoing);
			}

			@Override
			public void answered(int status, HttpHeaders headers, long nanos) {
				UpstreamObservation.this.tracing.end(span, status);
				if (timing != null) {
					timing.upstreamAnswered(host, nanos);
					timing.twilioConcurrentRequests(headers.getFirst(TWILIO_CONCURRENT_REQUESTS));
				}
			}

			@Override
			public void failed(Throwable failure) {
				UpstreamObservation.this.tracing.end(span, failure);
			}

		};
	}

}
