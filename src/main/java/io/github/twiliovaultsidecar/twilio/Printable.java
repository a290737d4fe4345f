package io.github.twiliovaultsidecar.twilio;

/** Makes caller input safe to echo in an error: bounded length, control characters escaped. */
final class Printable {

	static final int MAX_LENGTH = 80;

	private Printable() {
	}

	/**
	 * @param value any input, may be {@code null}
	 * @return a quoted, bounded, single-line rendering; {@code null} renders as {@code null}
	 */
	static String of(String value) {
		return (value == null) ? "null" : "\"" + bare(value) + "\"";
	}

	/** @return {@link #of(String)} without the quotes, for structured fields */
	static String bare(String value) {
		if (value == null) {
			return "";
		}
		StringBuilder out = new StringBuilder();
		int limit = Math.min(value.length(), MAX_LENGTH);
		for (int i = 0; i < limit; i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c > 0x7e) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		if (value.length() > MAX_LENGTH) {
			out.append("...");
		}
		return out.toString();
	}

}
