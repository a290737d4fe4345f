package io.github.twiliovaultsidecar.twilio;

import java.util.Map;
import java.util.Optional;

/**
 * A Twilio Region code such as {@code us1}, {@code ie1} or {@code au1}. Any code of the form two
 * letters and a digit is accepted, so a new Region needs no release; {@link #isKnown()} tells the
 * ones this version knows about.
 *
 * @param code lower-case region code
 */
public record Region(String code) {

	/** The edge Twilio documents as the default for each known region. */
	private static final Map<String, String> DEFAULT_EDGES = Map.of("us1", "ashburn", "ie1", "dublin", "au1", "sydney",
			"jp1", "tokyo");

	public static final Region US1 = new Region("us1");

	public static final Region IE1 = new Region("ie1");

	public static final Region AU1 = new Region("au1");

	public static final Region JP1 = new Region("jp1");

	public Region {
		if (!isValid(code)) {
			throw InvalidTwilioInputException.region(code);
		}
	}

	/**
	 * @param code candidate region code, may be {@code null}; must already be lower case
	 * @return the region
	 * @throws InvalidTwilioInputException when {@code code} is not a region code
	 */
	public static Region parse(String code) {
		return new Region(code);
	}

	/** @return whether {@code code} would parse, without throwing: two ASCII lower-case letters and a digit */
	public static boolean isValid(String code) {
		return code != null && code.length() == 3 && isLowerLetter(code.charAt(0)) && isLowerLetter(code.charAt(1))
				&& code.charAt(2) >= '0' && code.charAt(2) <= '9';
	}

	private static boolean isLowerLetter(char c) {
		return c >= 'a' && c <= 'z';
	}

	/** @return whether this version of the sidecar knows the region (us1, ie1, au1, jp1) */
	public boolean isKnown() {
		return DEFAULT_EDGES.containsKey(this.code);
	}

	/** @return the edge Twilio names as the region's default, empty for an unknown region */
	public Optional<Edge> defaultEdge() {
		return Optional.ofNullable(DEFAULT_EDGES.get(this.code)).map(Edge::new);
	}

	@Override
	public String toString() {
		return this.code;
	}

}
