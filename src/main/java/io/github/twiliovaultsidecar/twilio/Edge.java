package io.github.twiliovaultsidecar.twilio;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A Twilio edge location: one of {@link #KNOWN}, or a Private Interconnect edge whose name ends in
 * {@code -ix}.
 *
 * @param name lower-case edge name
 */
public record Edge(String name) {

	/** Public edges Twilio documents. */
	public static final List<String> KNOWN = List.of("ashburn", "dublin", "frankfurt", "sao-paulo", "singapore",
			"sydney", "tokyo", "umatilla", "roaming");

	private static final Pattern PRIVATE_INTERCONNECT = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*-ix");

	public Edge {
		if (!isValid(name)) {
			throw InvalidTwilioInputException.edge(name);
		}
	}

	/**
	 * @param name candidate edge, may be {@code null}; must already be lower case
	 * @return the edge
	 * @throws InvalidTwilioInputException when {@code name} is not an edge
	 */
	public static Edge parse(String name) {
		return new Edge(name);
	}

	/** @return whether {@code name} would parse, without throwing */
	public static boolean isValid(String name) {
		return name != null && (KNOWN.contains(name) || PRIVATE_INTERCONNECT.matcher(name).matches());
	}

	@Override
	public String toString() {
		return this.name;
	}

}
