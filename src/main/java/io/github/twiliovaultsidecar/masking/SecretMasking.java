package io.github.twiliovaultsidecar.masking;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence for logs: every secret the service has loaded, and the Basic-auth
 * base64 form of it, is replaced by {@value #MASK} in any log message or stack trace, as is anything
 * that looks like a Basic or Bearer credential. Code never logs a secret on purpose; this catches
 * the accident. Static because the logging system, not Spring, creates the converters that use it.
 */
public final class SecretMasking {

	/** What replaces a secret in a log line. */
	public static final String MASK = "[masked]";

	private static final int MAX_KNOWN = 10_000;

	private static final Pattern CREDENTIAL_HEADER = Pattern
		.compile("(?i)\\b(Basic|Bearer)\\s+[A-Za-z0-9+/=._~-]{16,}");

	private static final Set<String> known = Collections.newSetFromMap(new ConcurrentHashMap<>());

	private SecretMasking() {
	}

	/**
	 * Registers a secret (and its Basic-auth form with {@code username}) to be masked from now on.
	 * @param username the Basic-auth user name it pairs with, may be {@code null}
	 */
	public static void register(String secret, String username) {
		if (secret == null || secret.length() < 8 || known.size() >= MAX_KNOWN) {
			return;
		}
		known.add(secret);
		if (username != null) {
			known.add(Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8)));
		}
	}

	/** @return {@code text} with every known secret and credential-looking header value masked */
	public static String mask(String text) {
		if (text == null || text.isEmpty()) {
			return text;
		}
		String masked = text;
		for (String secret : known) {
			if (masked.contains(secret)) {
				masked = masked.replace(secret, MASK);
			}
		}
		if (!namesAScheme(masked)) {
			return masked;
		}
		Matcher matcher = CREDENTIAL_HEADER.matcher(masked);
		return matcher.find() ? matcher.replaceAll("$1 " + Matcher.quoteReplacement(MASK)) : masked;
	}

	/**
	 * @return whether {@code text} holds "basic" or "bearer" in any case: a scan far cheaper than the
	 * {@link #CREDENTIAL_HEADER} search it saves on most log lines (the audit line is written per request)
	 */
	private static boolean namesAScheme(String text) {
		for (int i = text.length() - 5; i >= 0; i--) {
			char c = text.charAt(i);
			if ((c == 'b' || c == 'B') && (text.regionMatches(true, i, "basic", 0, 5)
					|| text.regionMatches(true, i, "bearer", 0, 6))) {
				return true;
			}
		}
		return false;
	}

}
