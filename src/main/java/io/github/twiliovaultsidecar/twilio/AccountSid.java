package io.github.twiliovaultsidecar.twilio;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Twilio Account SID: {@code AC} and 32 hex digits. Upper-case hex is accepted and normalized to
 * lower case, which is also how it is stored in Vault paths.
 *
 * @param value the normalized SID
 */
public record AccountSid(String value) {

	private static final Pattern FORMAT = Pattern.compile("AC[0-9a-fA-F]{32}");

	public AccountSid {
		if (value == null || !FORMAT.matcher(value).matches()) {
			throw InvalidTwilioInputException.accountSid(value);
		}
		value = "AC" + value.substring(2).toLowerCase(Locale.ROOT);
	}

	/**
	 * @param value candidate SID, may be {@code null}
	 * @return the parsed SID
	 * @throws InvalidTwilioInputException when {@code value} is not an Account SID
	 */
	public static AccountSid parse(String value) {
		return new AccountSid(value);
	}

	/** @return whether {@code value} would parse, without throwing */
	public static boolean isValid(String value) {
		return value != null && FORMAT.matcher(value).matches();
	}

	@Override
	public String toString() {
		return this.value;
	}

}
