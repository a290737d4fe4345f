package io.github.twiliovaultsidecar.twilio;

import java.util.regex.Pattern;

/**
 * A Twilio API key SID: {@code SK} and 32 lower-case hex digits.
 *
 * @param value the SID
 */
public record ApiKeySid(String value) {

	private static final Pattern FORMAT = Pattern.compile("SK[0-9a-f]{32}");

	public ApiKeySid {
		if (value == null || !FORMAT.matcher(value).matches()) {
			throw InvalidTwilioInputException.apiKeySid(value);
		}
	}

	/**
	 * @param value candidate SID, may be {@code null}
	 * @return the parsed SID
	 * @throws InvalidTwilioInputException when {@code value} is not an API key SID
	 */
	public static ApiKeySid parse(String value) {
		return new ApiKeySid(value);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
