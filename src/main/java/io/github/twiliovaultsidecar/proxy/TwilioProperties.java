package io.github.twiliovaultsidecar.proxy;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code sidecar.twilio.*}: where Twilio is.
 *
 * @param upstreamOverride for tests and demos only ({@code TWILIO_UPSTREAM_OVERRIDE}): a base URL such as
 * {@code http://127.0.0.1:9999} every upstream request goes to instead of Twilio, with the Twilio
 * hostname kept in {@code Host}; {@code null} (the default) in production
 */
@ConfigurationProperties("sidecar.twilio")
public record TwilioProperties(URI upstreamOverride) {

	public TwilioProperties {
		if (upstreamOverride != null && upstreamOverride.toString().isBlank()) {
			upstreamOverride = null;
		}
		if (upstreamOverride != null && (upstreamOverride.getScheme() == null || upstreamOverride.getHost() == null)) {
			throw new IllegalArgumentException(
					"sidecar.twilio.upstream-override (TWILIO_UPSTREAM_OVERRIDE) must be a base URL such as "
							+ "http://127.0.0.1:9999, got '" + upstreamOverride + "'");
		}
	}

}
