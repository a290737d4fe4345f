package io.github.twiliovaultsidecar.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sidecar.mode}: {@code local} (a sidecar on 127.0.0.1 trusted by its pod) or {@code shared}
 * (a service callers reach over the network, each proving who it is with a JWT).
 *
 * @param mode the mode
 */
@ConfigurationProperties("sidecar")
public record Mode(@DefaultValue("local") Kind mode) {

	/** The two ways the service is deployed. */
	public enum Kind {

		LOCAL, SHARED

	}

	public boolean isShared() {
		return this.mode == Kind.SHARED;
	}

}
