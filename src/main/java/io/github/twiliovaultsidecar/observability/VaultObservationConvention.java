package io.github.twiliovaultsidecar.observability;

import io.micrometer.common.KeyValue;

import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;

/**
 * Names Vault calls {@value SidecarMeters#VAULT_REQUESTS} and reduces the {@code uri} tag to a
 * bounded template: Spring Vault sends expanded paths, which hold Account SIDs and regions.
 * {@code /v1/twilio/data/AC…/ie1} becomes {@code /v1/twilio/data/{path}}, {@code /v1/sys/health}
 * becomes {@code /v1/sys/{path}}.
 */
final class VaultObservationConvention extends DefaultClientRequestObservationConvention {

	VaultObservationConvention() {
		super(SidecarMeters.VAULT_REQUESTS);
	}

	@Override
	protected KeyValue uri(ClientRequestObservationContext context) {
		String path = (context.getCarrier() != null) ? context.getCarrier().getURI().getRawPath() : null;
		return KeyValue.of("uri", template(path));
	}

	/** @return a template of a Vault API path with at most the mount and a data/metadata segment */
	static String template(String path) {
		if (path == null || !path.startsWith("/v1/")) {
			return "none";
		}
		String[] segments = path.substring(4).split("/", 4);
		if (segments.length >= 2 && (segments[1].equals("data") || segments[1].equals("metadata"))) {
			return "/v1/" + segments[0] + "/" + segments[1] + "/{path}";
		}
		return "/v1/" + segments[0] + "/{path}";
	}

}
