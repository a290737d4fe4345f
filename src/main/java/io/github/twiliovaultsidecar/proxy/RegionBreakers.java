package io.github.twiliovaultsidecar.proxy;

import java.time.Duration;
import java.util.Optional;

/**
 * What the proxy's circuit breakers know about each regional host, for work that should hold back
 * while a region is failing instead of adding load to it (background re-verification).
 */
public interface RegionBreakers {

	/**
	 * @param host a regional Twilio hostname, e.g. {@code api.dublin.ie1.twilio.com}
	 * @return how long to hold back before calling the host, empty when its breaker lets calls through
	 * (or no call to it was made yet)
	 */
	Optional<Duration> holdBack(String host);

}
