package io.github.twiliovaultsidecar.twilio;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A Twilio API hostname that follows the regional grammar {@code {product}.{edge}.{region}.twilio.com}.
 * <p>
 * A host with neither edge nor region ({@code api.twilio.com}) is US1, and {@code api.us1.twilio.com}
 * is valid. The short form {@code {product}.{region}.twilio.com} stopped working for every other
 * region on 2026-04-28 and is rejected with a hint naming the edge form. The region in the host is
 * what picks a credential.
 *
 * @param hostName the lower-case hostname as the caller wrote it, e.g. {@code api.us1.twilio.com}
 * @param product first label, e.g. {@code api}
 * @param edge the edge, empty when the host names none
 * @param region the region; US1 when the host names none
 */
public record TwilioHost(String hostName, String product, Optional<Edge> edge, Region region) {

	/** The only domain the sidecar forwards to. */
	public static final String DOMAIN = "twilio.com";

	/** Products enabled when configuration names none. */
	public static final Set<String> DEFAULT_PRODUCTS = Set.of("api");

	/** Every product the grammar knows; configuration may enable any of these. */
	public static final Set<String> KNOWN_PRODUCTS = Set.of("api", "messaging", "verify", "conversations", "lookups",
			"voice", "video", "accounts");

	private static final int MAX_HOST_LENGTH = 253;

	public TwilioHost {
		if (!KNOWN_PRODUCTS.contains(product)) {
			throw InvalidTwilioInputException.host(product, "unknown Twilio product");
		}
		edge = (edge != null) ? edge : Optional.empty();
	}

	/**
	 * Parses a hostname as a caller wrote it (upper case is accepted and normalized).
	 * @param host the hostname, without scheme, port, user-info or path; may be {@code null}
	 * @param products the products this deployment allows, e.g. {@link #DEFAULT_PRODUCTS}
	 * @return the parsed host
	 * @throws InvalidTwilioInputException when the host is not a regional Twilio API host this
	 * deployment allows, with the reason (and, for the retired short form, the edge form to use)
	 */
	public static TwilioHost parse(String host, Set<String> products) {
		if (host == null || host.isEmpty()) {
			throw InvalidTwilioInputException.host(host, "no host given");
		}
		if (host.length() > MAX_HOST_LENGTH) {
			throw InvalidTwilioInputException.host(host, "longer than " + MAX_HOST_LENGTH + " characters");
		}
		if (host.indexOf('@') >= 0) {
			throw InvalidTwilioInputException.host(host, "user-info is not allowed");
		}
		if (host.startsWith("[") || host.indexOf(':') >= 0) {
			throw InvalidTwilioInputException.host(host,
					host.startsWith("[") ? "IP literals are not allowed" : "ports are not allowed");
		}
		if (host.endsWith(".")) {
			throw InvalidTwilioInputException.host(host, "a trailing dot is not allowed");
		}
		String lower = host.toLowerCase(Locale.ROOT);
		if (!onlyHostCharacters(lower)) {
			throw InvalidTwilioInputException.host(host, "only letters, digits, dots and hyphens are allowed");
		}
		if (onlyDigitsAndDots(lower)) {
			throw InvalidTwilioInputException.host(host, "IP literals are not allowed");
		}
		if (!lower.endsWith("." + DOMAIN)) {
			throw InvalidTwilioInputException.host(host, "only hosts under " + DOMAIN + " are forwarded");
		}
		String[] labels = lower.substring(0, lower.length() - DOMAIN.length() - 1).split("\\.", -1);
		for (String label : labels) {
			if (label.isEmpty() || label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
				throw InvalidTwilioInputException.host(host, "empty or malformed label");
			}
		}
		String product = labels[0];
		if (!products.contains(product)) {
			throw InvalidTwilioInputException.host(host, "product '" + product
					+ "' is not enabled (enabled: " + String.join(", ", products.stream().sorted().toList()) + ")");
		}
		return switch (labels.length) {
			case 1 -> new TwilioHost(lower, product, Optional.empty(), Region.US1);
			case 2 -> shortForm(lower, product, labels[1]);
			case 3 -> edgeForm(lower, product, labels[1], labels[2]);
			default -> throw InvalidTwilioInputException.host(host,
					"expected {product}.{edge}.{region}." + DOMAIN);
		};
	}

	/**
	 * @return whether {@code host} holds only ASCII lower-case letters, digits, dots and hyphens
	 * (scanned by hand, as every proxied request names a host); the labels between the dots are
	 * then checked not to be empty nor to start or end with a hyphen
	 */
	private static boolean onlyHostCharacters(String host) {
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
				return false;
			}
		}
		return true;
	}

	private static boolean onlyDigitsAndDots(String host) {
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (!((c >= '0' && c <= '9') || c == '.')) {
				return false;
			}
		}
		return true;
	}

	private static TwilioHost shortForm(String host, String product, String label) {
		if (Region.isValid(label)) {
			Region region = Region.parse(label);
			if (region.equals(Region.US1)) {
				return new TwilioHost(host, product, Optional.empty(), region);
			}
			String edge = region.defaultEdge().map(Edge::name).orElse("{edge}");
			throw InvalidTwilioInputException.shortRegionalHost(host,
					product + "." + edge + "." + region.code() + "." + DOMAIN);
		}
		if (Edge.isValid(label)) {
			throw InvalidTwilioInputException.host(host, "an edge without a region is ambiguous; use " + product + "."
					+ label + ".{region}." + DOMAIN + ", e.g. " + product + "." + label + ".us1." + DOMAIN);
		}
		throw InvalidTwilioInputException.host(host, "'" + label + "' is neither a region nor an edge");
	}

	private static TwilioHost edgeForm(String host, String product, String edge, String region) {
		if (!Edge.isValid(edge)) {
			throw InvalidTwilioInputException.host(host, "'" + edge + "' is not a Twilio edge");
		}
		if (!Region.isValid(region)) {
			throw InvalidTwilioInputException.host(host, "'" + region + "' is not a Twilio region");
		}
		return new TwilioHost(host, product, Optional.of(Edge.parse(edge)), Region.parse(region));
	}

	/**
	 * @return the host to use for a region and edge, {@code api.twilio.com}-style when the
	 * region is US1 and no edge is given
	 */
	public static TwilioHost of(String product, Region region, Optional<Edge> edge) {
		if (edge.isEmpty() && !region.equals(Region.US1)) {
			edge = region.defaultEdge();
			if (edge.isEmpty()) {
				throw InvalidTwilioInputException.host(product + "." + region.code() + "." + DOMAIN,
						"region " + region.code() + " has no known default edge; store an edge for it");
			}
		}
		String name = edge.map(e -> product + "." + e.name() + "." + region.code() + "." + DOMAIN)
			.orElse(product + "." + DOMAIN);
		return new TwilioHost(name, product, edge, region);
	}

	@Override
	public String toString() {
		return hostName();
	}

}
