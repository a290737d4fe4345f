package io.github.twiliovaultsidecar.upstream;

import reactor.util.context.ContextView;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * What the {@link UpstreamClient} reports about each exchange, e.g. for spans and per-request
 * timing. Its methods run on the exchange's thread and must not block or throw.
 */
public interface UpstreamObserver {

	/** Observes nothing. */
	UpstreamObserver NONE = (context, method, host) -> Exchange.NONE;

	/**
	 * @param context the Reactor context of the request being sent
	 * @return what is told how this exchange goes; {@link Exchange#NONE} to observe nothing
	 */
	Exchange sending(ContextView context, HttpMethod method, String host);

	/** One exchange under observation; each is told {@link #answered} or {@link #failed}, at most once. */
	interface Exchange {

		/** Observes nothing. */
		Exchange NONE = new Exchange() {
		};

		/** The request headers are being written: the last point to add to them (e.g. {@code traceparent}). */
		default void headers(HttpHeaders outgoing) {
		}

		/**
		 * The response headers arrived.
		 * @param nanos time from sending the request to the response headers
		 */
		default void answered(int status, HttpHeaders headers, long nanos) {
		}

		/** No response came: {@code failure} is what the caller of the exchange gets. */
		default void failed(Throwable failure) {
		}

	}

}
