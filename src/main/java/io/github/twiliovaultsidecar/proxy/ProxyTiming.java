package io.github.twiliovaultsidecar.proxy;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the time of one proxied request went: from the controller taking it to the response headers
 * being written, minus the time spent waiting for Twilio (request handed to the HTTP client until
 * Twilio's response headers arrived, summed over attempts). Carried in the Reactor context under
 * this class so the upstream client can report without the proxy passing it along.
 */
final class ProxyTiming {

	/** Response header with the sidecar's own time for the request, in milliseconds. */
	static final String OVERHEAD_HEADER = "X-Sidecar-Overhead-Ms";

	private static final Logger log = LoggerFactory.getLogger(ProxyTiming.class);

	private final long startNanos;

	private volatile long upstreamNanos;

	private volatile String upstreamHost;

	private volatile int twilioConcurrentRequests = -1;

	private volatile String traceId;

	/** Work left for after the response (meters, the audit line), in the order it was left. */
	private final List<Runnable> afterResponse = new ArrayList<>(2);

	/** Whether {@link #responded} ran; guarded by {@code this}, as is {@link #afterResponse}. */
	private boolean responded;

	ProxyTiming(long startNanos) {
		this.startNanos = startNanos;
	}

	/** Records one upstream exchange, from sending to response headers. */
	void upstreamAnswered(String host, long nanos) {
		this.upstreamHost = host;
		this.upstreamNanos += nanos;
	}

	/** Records the {@code Twilio-Concurrent-Requests} value of the last answer, when it held a number. */
	void twilioConcurrentRequests(String header) {
		if (header != null) {
			try {
				this.twilioConcurrentRequests = Integer.parseInt(header.strip());
			}
			catch (NumberFormatException ex) {
				// not a number: nothing to record
			}
		}
	}

	/** @return the last {@code Twilio-Concurrent-Requests} value, -1 when none was seen */
	int twilioConcurrentRequests() {
		return this.twilioConcurrentRequests;
	}

	/** Records the id of the trace the request belongs to, for its audit line. */
	void traceId(String id) {
		this.traceId = id;
	}

	/** @return the id of the trace the request belongs to, or {@code null} when it has none */
	String traceId() {
		return this.traceId;
	}

	/** @return the Twilio host last sent to, or {@code null} when nothing went upstream */
	String upstreamHost() {
		return this.upstreamHost;
	}

	long upstreamNanos() {
		return this.upstreamNanos;
	}

	/**
	 * Leaves {@code work} for after the response is sent ({@link #responded}): what the response
	 * does not need is kept out of the time the caller waits for it. Work left once the response
	 * was sent runs at once.
	 */
	void afterResponse(Runnable work) {
		synchronized (this) {
			if (!this.responded) {
				this.afterResponse.add(work);
				return;
			}
		}
		runAlone(work);
	}

	/**
	 * Runs the work left for after the response, once, in order; called when the response is
	 * complete or abandoned. One piece failing does not keep the others from running.
	 */
	void responded() {
		Runnable[] work;
		synchronized (this) {
			if (this.responded) {
				return;
			}
			this.responded = true;
			work = this.afterResponse.toArray(Runnable[]::new);
			this.afterResponse.clear();
		}
		for (Runnable piece : work) {
			runAlone(piece);
		}
	}

	private static void runAlone(Runnable work) {
		try {
			work.run();
		}
		catch (RuntimeException ex) {
			log.warn("Work left for after a proxied response failed", ex);
		}
	}

	/** @return nanoseconds spent in the sidecar up to {@code nowNanos}, never negative */
	long overheadNanos(long nowNanos) {
		return Math.max(0, nowNanos - this.startNanos - this.upstreamNanos);
	}

	/** @return {@code nanos} as milliseconds with three decimals, e.g. {@code 0.412} */
	static String millis(long nanos) {
		long micros = nanos / 1_000;
		long fraction = micros % 1_000;
		return (micros / 1_000) + ((fraction < 10) ? ".00" : (fraction < 100) ? ".0" : ".") + fraction;
	}

}
