package io.github.twiliovaultsidecar.twilio;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A Twilio Account SID: {@code AC} and 32 hex digits. Upper-case hex is accepted and normalized to
 * lower case, which is also how it is stored in Vault paths.
 *
 * @param value the normalized SID
 */
public record AccountSid(String value) {

	private static final String PREFIX = "AC";

	private static final int LENGTH = 34;

	public AccountSid {
		if (!isValid(value)) {
			throw InvalidTwilioInputException.accountSid(value);
		}
		String digits = value.substring(PREFIX.length());
		String lower = digits.toLowerCase(Locale.ROOT);
		value = lower.equals(digits) ? value : PREFIX + lower;
	}

	/**
	 * @param value candidate SID, may be {@code null}
	 * @return the parsed SID
	 * @throws InvalidTwilioInputException when {@code value} is not an Account SID
	 */
	public static AccountSid parse(String value) {
		return new AccountSid(value);
	}

	/**
	 * @return whether {@code value} would parse, without throwing: {@code AC} and 32 ASCII hex digits
	 * (no regular expression: every proxied request names an account)
	 */
	public static boolean isValid(String value) {
		if (value == null || value.length() != LENGTH || !value.startsWith(PREFIX)) {
			return false;
		}
		for (int i = PREFIX.length(); i < LENGTH; i++) {
			if (!HexFormat.isHexDigit(value.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	@Override
	public String toString() {
		return this.value;
	}

}
