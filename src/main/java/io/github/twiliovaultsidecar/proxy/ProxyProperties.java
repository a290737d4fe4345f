package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.TwilioHost;

/**
 * {@code sidecar.proxy.*}: how callers' requests are accepted and sent to Twilio.
 *
 * @param products Twilio products callers may reach (first label of the host), default {@code api}
 * @param maxRequestBody largest request body accepted; larger gets 413
 * @param replayLimit bodies up to this size are kept so a request can be re-sent once with a rotated
 * credential after a 401; larger bodies stream and are never re-sent
 * @param defaultAccount account used when a request names none, may be {@code null}
 * @param connectTimeout TCP/TLS connect timeout to Twilio (first-byte and total timeouts are under
 * {@code sidecar.resilience.timeouts})
 * @param eventLoops threads the HTTP server, the upstream client and the webhook forwarder share,
 * default one per CPU the JVM sees (the container's CPU limit, rounded up), at most
 * {@value #MAX_DEFAULT_EVENT_LOOPS}: a pod without a CPU limit sees every core of its node, and each
 * loop keeps its own upstream connections ({@link io.github.twiliovaultsidecar.upstream.UpstreamClient}). A request is answered on the loop
 * it arrived on, so more loops add throughput without a thread hand-off per request
 */
@ConfigurationProperties("sidecar.proxy")
public record ProxyProperties(@DefaultValue("api") Set<String> products, @DefaultValue("10MB") DataSize maxRequestBody,
		@DefaultValue("256KB") DataSize replayLimit, String defaultAccount,
		@DefaultValue("5s") Duration connectTimeout, Integer eventLoops) {

	/** Most event loops taken by default; more only when {@code sidecar.proxy.event-loops} says so. */
	static final int MAX_DEFAULT_EVENT_LOOPS = 4;

	public ProxyProperties {
		for (String product : products) {
			if (!TwilioHost.KNOWN_PRODUCTS.contains(product)) {
				throw new IllegalArgumentException("sidecar.proxy.products contains '" + product
						+ "'; known products: " + String.join(", ", TwilioHost.KNOWN_PRODUCTS.stream().sorted().toList()));
			}
		}
		products = Set.copyOf(products);
		if (maxRequestBody.toBytes() <= 0) {
			throw new IllegalArgumentException("sidecar.proxy.max-request-body must be positive, got " + maxRequestBody);
		}
		if (defaultAccount != null && defaultAccount.isBlank()) {
			defaultAccount = null;
		}
		if (defaultAccount != null && !AccountSid.isValid(defaultAccount)) {
			throw new IllegalArgumentException(
					"sidecar.proxy.default-account must be an Account SID, got '" + defaultAccount + "'");
		}
		if (connectTimeout.isNegative() || connectTimeout.isZero()) {
			throw new IllegalArgumentException("sidecar.proxy.connect-timeout must be positive, got " + connectTimeout);
		}
		if (eventLoops == null) {
			eventLoops = defaultEventLoops(Runtime.getRuntime().availableProcessors());
		}
		if (eventLoops < 1) {
			throw new IllegalArgumentException("sidecar.proxy.event-loops must be at least 1, got " + eventLoops);
		}
	}

	/** @return the event loops taken when none are configured, for a JVM that sees {@code processors} CPUs */
	static int defaultEventLoops(int processors) {
		return Math.min(processors, MAX_DEFAULT_EVENT_LOOPS);
	}

}
