package io.github.twiliovaultsidecar.upstream;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;

/**
 * A request to Twilio that got no response, with what is known about whether Twilio could have
 * acted on it. Never shown to a caller as it is: each feature turns it into its own problem.
 */
public final class UpstreamFailure extends RuntimeException {

	/** What happened, from the point of view of whether the request may have reached Twilio. */
	public enum Kind {

		/** No connection was made (refused, DNS, connect timeout, TLS handshake): nothing was sent. */
		CONNECT,

		/** The response did not start in time: the request may have been processed. */
		TIMEOUT,

		/** The connection closed or failed after the request was written: it may have been processed. */
		BROKEN

	}

	private final Kind kind;

	private final String host;

	/**
	 * @param host the Twilio hostname the request was for
	 * @param cause the transport error, {@code null} when there is none (e.g. a deadline passed before sending)
	 */
	public UpstreamFailure(Kind kind, String host, Throwable cause) {
		super(kind + " failure talking to " + host, cause, false, false);
		this.kind = kind;
		this.host = host;
	}

	/** @return the classified failure for a transport error */
	static UpstreamFailure classify(String host, Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof ConnectException || t instanceof ConnectTimeoutException
					|| t instanceof UnknownHostException || t instanceof NoRouteToHostException
					|| t instanceof SSLHandshakeException) {
				return new UpstreamFailure(Kind.CONNECT, host, error);
			}
			if (t instanceof ReadTimeoutException || t instanceof TimeoutException) {
				return new UpstreamFailure(Kind.TIMEOUT, host, error);
			}
		}
		return new UpstreamFailure(Kind.BROKEN, host, error);
	}

	public Kind kind() {
		return this.kind;
	}

	/** @return the Twilio hostname the request was for */
	public String host() {
		return this.host;
	}

	/** @return whether Twilio provably did not receive the request */
	public boolean nothingSent() {
		return this.kind == Kind.CONNECT;
	}

}
