package io.github.twiliovaultsidecar.proxy;

import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import reactor.util.context.ContextView;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * Spans of proxied requests, made with the tracer directly: one server span per request (continuing
 * a caller's W3C {@code traceparent}), one client span per upstream attempt whose context travels to
 * Twilio in {@code traceparent}, and the server span carried in the Reactor context under
 * {@link Span} so Vault calls join the trace. Span attributes never hold an account, a path or a
 * token.
 * <p>
 * A request that brings no trace context starts a trace only when spans can leave the process (a
 * span exporter is configured, e.g. OTLP): otherwise nothing could record it, and making its span and
 * {@code traceparent} would cost every request for nothing. A caller's trace is always continued.
 */
final class ProxyTracing {

	/** No tracer: no spans, nothing propagated. */
	static final ProxyTracing OFF = new ProxyTracing(null, null, false);

	/** Reads W3C trace context from a caller's headers. */
	private static final TextMapGetter<HttpHeaders> HEADERS = new TextMapGetter<>() {

		@Override
		public Iterable<String> keys(HttpHeaders carrier) {
			return carrier.headerNames();
		}

		@Override
		public String get(HttpHeaders carrier, String key) {
			return (carrier != null) ? carrier.getFirst(key) : null;
		}

	};

	/** The {@code uri} attribute of a proxied request's span: the route, never the path. */
	static final String ROUTE = "/{twilio-host}/**";

	private final Tracer tracer;

	private final Propagator propagator;

	private final List<String> fields;

	private final boolean startsTraces;

	/**
	 * @param tracer the application's tracer, {@code null} when tracing is off
	 * @param propagator its propagator, {@code null} when tracing is off
	 * @param startsTraces whether a request without trace context starts a trace: spans can be
	 * exported
	 */
	ProxyTracing(Tracer tracer, Propagator propagator, boolean startsTraces) {
		this.tracer = (tracer != null && propagator != null) ? tracer : null;
		this.propagator = propagator;
		this.fields = (propagator != null) ? List.copyOf(propagator.fields()) : List.of();
		this.startsTraces = startsTraces;
	}

	/**
	 * @return a started server span for a proxied request: the caller's trace continued, or a new
	 * trace when spans can be exported; {@code null} otherwise
	 */
	Span server(HttpMethod method, HttpHeaders callerHeaders) {
		if (this.tracer == null) {
			return null;
		}
		boolean continued = carriesTrace(callerHeaders);
		if (!continued && !this.startsTraces) {
			return null;
		}
		Span.Builder builder = continued
				? this.propagator.extract(callerHeaders, HttpHeaders::getFirst) : this.tracer.spanBuilder();
		return builder.kind(Span.Kind.SERVER)
			.name("proxy " + method.name())
			.tag("method", method.name())
			.tag("uri", ROUTE)
			.start();
	}

	/**
	 * @return the id of the trace a request belongs to: {@code server}'s (the caller's trace
	 * continued, or one started here), else (no tracer, or a no-op one) the trace id of a
	 * {@code traceparent} from the caller that W3C trace context accepts; never the header's raw value
	 */
	static String traceId(Span server, HttpHeaders callerHeaders) {
		String id = (server != null) ? server.context().traceId() : null;
		if (id != null && TraceId.isValid(id)) {
			return id;
		}
		SpanContext caller = io.opentelemetry.api.trace.Span
			.fromContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), callerHeaders, HEADERS))
			.getSpanContext();
		return caller.isValid() ? caller.getTraceId() : null;
	}

	/** @return whether a header the propagator reads (e.g. {@code traceparent}) is present */
	private boolean carriesTrace(HttpHeaders headers) {
		for (String field : this.fields) {
			if (headers.containsHeader(field)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @return a started client span, child of the server span in {@code context} (a new trace when
	 * there is none and spans can be exported); {@code null} when tracing is off or nothing would
	 * record it (the server span's trace is not sampled, or no exporter)
	 */
	Span upstream(ContextView context, HttpMethod method, String host) {
		if (this.tracer == null) {
			return null;
		}
		Span parent = context.getOrDefault(Span.class, null);
		if (parent == null && !this.startsTraces) {
			return null;
		}
		Span.Builder builder = this.tracer.spanBuilder();
		if (parent != null) {
			if (!Boolean.TRUE.equals(parent.context().sampled())) {
				return null;
			}
			builder.setParent(parent.context());
		}
		return builder.kind(Span.Kind.CLIENT)
			.name("twilio " + method.name())
			.remoteServiceName("twilio")
			.tag("method", method.name())
			.tag("host", host)
			.start();
	}

	/**
	 * Puts the trace into the upstream request as {@code traceparent}: the client span's context, else
	 * the server span's, so Twilio's side of an unsampled trace still carries its id.
	 */
	void inject(ContextView context, Span upstream, HttpHeaders headers) {
		Span span = (upstream != null) ? upstream : context.getOrDefault(Span.class, null);
		if (span != null && this.tracer != null) {
			this.propagator.inject(span.context(), headers, HttpHeaders::set);
		}
	}

	/** Ends {@code span} with the status Twilio or the sidecar answered. */
	void end(Span span, int status) {
		if (span != null) {
			span.tag("status", Integer.toString(status)).end();
		}
	}

	/** Ends {@code span} with a failure: only its type is recorded, never its message. */
	void end(Span span, Throwable failure) {
		if (span != null) {
			span.tag("error", failure.getClass().getSimpleName()).end();
		}
	}

}
