package io.github.twiliovaultsidecar.proxy;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

import io.github.twiliovaultsidecar.twilio.TwilioHost;

/**
 * Where a caller's request goes: {@code /<twilio-host>/<path>?<query>} split and checked. The path
 * and query stay exactly as the caller encoded them; anything that could change their meaning on
 * the way (dot segments, encoded slashes or dots, path parameters, bad percent-encoding, control characters) is
 * rejected rather than normalized.
 *
 * @param host the parsed Twilio host
 * @param path the raw path to send upstream, starting with {@code /}
 * @param query the raw query without {@code ?}, or {@code null}
 */
record ProxyTarget(TwilioHost host, String path, String query) {

	private static final int MAX_PATH_LENGTH = 2048;

	/**
	 * @param rawPath the request path as received (percent-encoded), starting with {@code /}
	 * @param rawQuery the raw query, or {@code null}
	 * @param products the products this deployment allows
	 * @return the target
	 * @throws ProxyException for a path that could be read two ways
	 * @throws io.github.twiliovaultsidecar.twilio.InvalidTwilioInputException for a host outside the grammar
	 */
	static ProxyTarget parse(String rawPath, String rawQuery, Set<String> products) {
		if (rawPath == null || !rawPath.startsWith("/") || rawPath.length() > MAX_PATH_LENGTH) {
			throw ProxyException.badPath("expected /<twilio-host>/<path>, at most " + MAX_PATH_LENGTH + " characters");
		}
		int slash = rawPath.indexOf('/', 1);
		String host = (slash < 0) ? rawPath.substring(1) : rawPath.substring(1, slash);
		String path = (slash < 0) ? "/" : rawPath.substring(slash);
		if (host.indexOf('%') >= 0) {
			throw ProxyException.badPath("the host must not be percent-encoded");
		}
		checkPath(path);
		if (rawQuery != null) {
			checkEncoding(rawQuery, "query");
		}
		return new ProxyTarget(TwilioHost.parse(host, products), path, rawQuery);
	}

	private static void checkPath(String path) {
		checkEncoding(path, "path");
		String lower = path.toLowerCase(Locale.ROOT);
		if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || lower.contains("%25")
				|| lower.indexOf('\\') >= 0) {
			throw ProxyException.badPath("encoded slashes, backslashes, dots or percent signs are not allowed");
		}
		if (lower.indexOf(';') >= 0 || lower.contains("%3b")) {
			throw ProxyException.badPath("path parameters (;) are not allowed: servers disagree on what they mean");
		}
		if (path.length() > 1) {
			for (String segment : path.substring(1).split("/", -1)) {
				if (segment.equals(".") || segment.equals("..")) {
					throw ProxyException.badPath("dot segments are not allowed");
				}
			}
		}
		if (path.contains("//")) {
			throw ProxyException.badPath("empty path segments are not allowed");
		}
	}

	/** Strict percent-encoding: every {@code %} starts two hex digits; no control or non-ASCII characters. */
	private static void checkEncoding(String value, String part) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c <= 0x20 || c >= 0x7f) {
				throw ProxyException.badPath("the " + part + " holds a control, space or non-ASCII character");
			}
			if (c == '%') {
				if (i + 2 >= value.length() || !HexFormat.isHexDigit(value.charAt(i + 1))
						|| !HexFormat.isHexDigit(value.charAt(i + 2))) {
					throw ProxyException.badPath("the " + part + " holds a malformed percent-encoding");
				}
				if (value.charAt(i + 1) == '0' || value.charAt(i + 1) == '1' || (value.charAt(i + 1) == '7'
						&& Character.toLowerCase(value.charAt(i + 2)) == 'f')) {
					throw ProxyException.badPath("the " + part + " holds an encoded control character");
				}
			}
		}
	}

	/** @return path and query as sent upstream */
	String pathAndQuery() {
		return (this.query != null) ? this.path + "?" + this.query : this.path;
	}

}
