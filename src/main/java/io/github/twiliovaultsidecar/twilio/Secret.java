package io.github.twiliovaultsidecar.twilio;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A secret value (Auth Token or API key secret) kept as {@code char[]}. {@link #toString()} prints
 * no part of it; the value leaves this object only through {@link #reveal()}, which callers use at
 * the last moment (signing a request, writing to Vault).
 */
public final class Secret {

	/** Number of hex characters of the SHA-256 digest that form a {@link #fingerprint()}. */
	public static final int FINGERPRINT_LENGTH = 12;

	private final char[] value;

	private Secret(char[] value) {
		this.value = value;
	}

	/**
	 * @param value the secret, not {@code null}; copied
	 * @return a secret holding a copy of {@code value}
	 */
	public static Secret of(CharSequence value) {
		char[] copy = new char[value.length()];
		for (int i = 0; i < copy.length; i++) {
			copy[i] = value.charAt(i);
		}
		return new Secret(copy);
	}

	/** @return the secret as a string; never log, print or return it to a caller */
	public String reveal() {
		return new String(this.value);
	}

	/** @return the secret's length in characters */
	public int length() {
		return this.value.length;
	}

	/** @return whether every character is an ASCII letter or digit of the given kind */
	public boolean isLowerHex(int expectedLength) {
		if (this.value.length != expectedLength) {
			return false;
		}
		for (char c : this.value) {
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * @return the first {@value #FINGERPRINT_LENGTH} hex characters of the SHA-256 of the secret,
	 * safe to show and store as metadata
	 */
	public String fingerprint() {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] bytes = reveal().getBytes(StandardCharsets.UTF_8);
			String hex = HexFormat.of().formatHex(digest.digest(bytes));
			Arrays.fill(bytes, (byte) 0);
			return hex.substring(0, FINGERPRINT_LENGTH);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is always available", ex);
		}
	}

	/** Constant-time comparison. */
	@Override
	public boolean equals(Object other) {
		if (!(other instanceof Secret that)) {
			return false;
		}
		return MessageDigest.isEqual(reveal().getBytes(StandardCharsets.UTF_8),
				that.reveal().getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public int hashCode() {
		return this.value.length;
	}

	@Override
	public String toString() {
		return "Secret[redacted]";
	}

}
