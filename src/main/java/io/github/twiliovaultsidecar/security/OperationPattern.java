package io.github.twiliovaultsidecar.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * {@code METHOD /path/pattern}: {@code *} matches within one path segment, a trailing {@code /**}
 * matches any rest, and {@code *} as the method matches any method. Pure.
 *
 * @param method upper-case method or {@code *}
 * @param text the pattern as written
 * @param regex the compiled path pattern
 */
record OperationPattern(String method, String text, Pattern regex) {

	/**
	 * @param operation e.g. {@code POST /2010-04-01/Accounts/* /Messages.json}
	 * @return the pattern
	 * @throws IllegalArgumentException naming the bad value
	 */
	static OperationPattern parse(String operation) {
		String[] parts = (operation == null) ? new String[0] : operation.strip().split("\\s+");
		if (parts.length != 2 || !parts[1].startsWith("/")) {
			throw new IllegalArgumentException(
					"an operation must be 'METHOD /path/pattern', e.g. 'POST /2010-04-01/Accounts/*/Messages.json', got '"
							+ operation + "'");
		}
		String path = parts[1];
		boolean anyRest = path.endsWith("/**");
		String fixed = anyRest ? path.substring(0, path.length() - 3) : path;
		String regex = Arrays.stream(fixed.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining("[^/]*"))
				+ (anyRest ? "(/.*)?" : "");
		return new OperationPattern(parts[0].toUpperCase(Locale.ROOT), operation.strip(), Pattern.compile(regex));
	}

	/** @return whether a request with {@code method} and raw {@code path} is this operation */
	boolean matches(String method, String path) {
		return ("*".equals(this.method) || this.method.equals(method)) && this.regex.matcher(path).matches();
	}

}
