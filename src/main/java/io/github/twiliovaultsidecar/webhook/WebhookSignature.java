package io.github.twiliovaultsidecar.webhook;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.github.twiliovaultsidecar.twilio.Secret;

/**
 * Twilio's webhook signature ({@code X-Twilio-Signature}): Base64 of the HMAC-SHA1, keyed with the
 * Auth Token, of the full URL (query string included) followed by every POST parameter name and
 * value, sorted by name. Pure functions; no I/O.
 * <p>
 * Twilio's quirks, matched as the official SDKs match them:
 * <ul>
 * <li>The URL is tried as given, with the scheme's default port added ({@code :443} for https,
 * {@code :80} otherwise) when it has none, and with any port removed, because Twilio signs either form.</li>
 * <li>Names are sorted as {@link String#compareTo} sorts (case-sensitive, as the Java SDK does). A
 * name sent more than once contributes one name+value pair per value, values sorted the same way;
 * a signature made over the values with exact duplicates dropped is accepted too, since the SDKs
 * differ on that point.</li>
 * <li>For a JSON body the URL carries {@code bodySHA256}, the signature covers the URL only, and the
 * lower-case hex SHA-256 of the raw body must equal that parameter.</li>
 * </ul>
 * Every comparison of a computed value with a received one takes constant time.
 */
final class WebhookSignature {

	/** The request header Twilio puts the signature in. */
	static final String HEADER = "X-Twilio-Signature";

	/** The query parameter that carries the body hash of a JSON webhook. */
	static final String BODY_HASH_PARAMETER = "bodySHA256";

	/** Longest URL accepted; Twilio's own limit for webhook URLs is far below it. */
	static final int MAX_URL_LENGTH = 8192;

	private static final String HMAC_SHA1 = "HmacSHA1";

	/** scheme, authority, then path, query and fragment exactly as written. */
	private static final Pattern URL = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", Pattern.DOTALL);

	/** optional user-info, host (a name or a bracketed IPv6 literal), optional port. */
	private static final Pattern AUTHORITY = Pattern
		.compile("((?:[^@]*@)?)(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]@]+)(?::([0-9]*))?");

	private WebhookSignature() {
	}

	/**
	 * @param token the Auth Token the signature should have been made with, not {@code null}
	 * @param url the full public URL Twilio requested, query string included
	 * @param payload what was posted
	 * @param signature the {@value #HEADER} value received, not {@code null}
	 * @return whether the signature was made with {@code token} over this URL and payload (and, for a
	 * JSON payload, whether the body matches the URL's {@value #BODY_HASH_PARAMETER})
	 * @throws WebhookException when {@code url} is not an absolute http(s) URL
	 */
	static boolean verify(Secret token, String url, SignedPayload payload, String signature) {
		List<String> urls = urlVariants(url);
		List<Map<String, List<String>>> paramSets = new ArrayList<>();
		boolean bodyMatches = true;
		if (payload instanceof SignedPayload.Json json) {
			Optional<String> expectedHash = queryParameter(url, BODY_HASH_PARAMETER);
			bodyMatches = expectedHash.isPresent() && constantTimeEquals(bodyHash(json.body()), expectedHash.get());
			paramSets.add(Map.of());
		}
		else {
			Map<String, List<String>> params = ((SignedPayload.Form) payload).params();
			paramSets.add(params);
			withoutDuplicateValues(params).ifPresent(paramSets::add);
		}
		boolean signatureMatches = false;
		for (String candidateUrl : urls) {
			for (Map<String, List<String>> params : paramSets) {
				signatureMatches |= constantTimeEquals(sign(token, candidateUrl, params), signature);
			}
		}
		return bodyMatches && signatureMatches;
	}

	/**
	 * @return the signature Twilio sends for exactly this URL and these parameters (no port variants)
	 */
	static String sign(Secret token, String url, Map<String, List<String>> params) {
		try {
			Mac mac = Mac.getInstance(HMAC_SHA1);
			mac.init(new SecretKeySpec(token.reveal().getBytes(StandardCharsets.UTF_8), HMAC_SHA1));
			byte[] digest = mac.doFinal(dataToSign(url, params).getBytes(StandardCharsets.UTF_8));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA1 is always available", ex);
		}
	}

	/**
	 * @return the URL followed by each name+value pair, names sorted, each name's values sorted
	 */
	static String dataToSign(String url, Map<String, List<String>> params) {
		StringBuilder data = new StringBuilder(url);
		new TreeMap<>(params).forEach((name, values) -> values.stream()
			.map(value -> (value != null) ? value : "")
			.sorted()
			.forEach(value -> data.append(name).append(value)));
		return data.toString();
	}

	/**
	 * @return the URL as given, with the default port added, and with any port removed; distinct, the
	 * given form first
	 * @throws WebhookException when {@code url} is not an absolute http(s) URL
	 */
	static List<String> urlVariants(String url) {
		Matcher parts = parse(url);
		String scheme = parts.group(1);
		Matcher authority = AUTHORITY.matcher(parts.group(2));
		if (!authority.matches()) {
			throw WebhookException.invalidUrl("its host is not a host name or a bracketed IPv6 address");
		}
		String userInfo = authority.group(1);
		String host = authority.group(2);
		String port = authority.group(3);
		String rest = parts.group(3);
		String prefix = scheme + "://" + userInfo + host;
		String defaultPort = "https".equalsIgnoreCase(scheme) ? "443" : "80";
		LinkedHashSet<String> variants = new LinkedHashSet<>();
		variants.add(url);
		variants.add(prefix + ":" + ((port == null || port.isEmpty()) ? defaultPort : port) + rest);
		variants.add(prefix + rest);
		return List.copyOf(variants);
	}

	/**
	 * @throws WebhookException when {@code url} is not an absolute http(s) URL of reasonable length
	 * without whitespace or control characters
	 */
	static void checkUrl(String url) {
		urlVariants(url);
	}

	/**
	 * @return the first value of the query parameter {@code name}, percent-decoded, empty when absent
	 */
	static Optional<String> queryParameter(String url, String name) {
		int fragment = url.indexOf('#');
		String withoutFragment = (fragment < 0) ? url : url.substring(0, fragment);
		int query = withoutFragment.indexOf('?');
		if (query < 0) {
			return Optional.empty();
		}
		String text = withoutFragment.substring(query + 1);
		for (String pair : text.split("&")) {
			int equals = pair.indexOf('=');
			String key = decode((equals < 0) ? pair : pair.substring(0, equals));
			if (key.equals(name)) {
				return Optional.of((equals < 0) ? "" : decode(pair.substring(equals + 1)));
			}
		}
		return Optional.empty();
	}

	/** @return the lower-case hex SHA-256 of {@code body}, as Twilio puts it in {@value #BODY_HASH_PARAMETER} */
	static String bodyHash(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is always available", ex);
		}
	}

	private static Matcher parse(String url) {
		if (url == null || url.isEmpty()) {
			throw WebhookException.invalidUrl("no URL given");
		}
		if (url.length() > MAX_URL_LENGTH) {
			throw WebhookException.invalidUrl("longer than " + MAX_URL_LENGTH + " characters");
		}
		for (int i = 0; i < url.length(); i++) {
			char c = url.charAt(i);
			if (c <= 0x20 || c == 0x7f) {
				throw WebhookException.invalidUrl("it contains whitespace or a control character");
			}
		}
		Matcher parts = URL.matcher(url);
		if (!parts.matches()) {
			throw WebhookException.invalidUrl("it is not an absolute URL (expected https://host/path?query)");
		}
		String scheme = parts.group(1).toLowerCase(Locale.ROOT);
		if (!scheme.equals("https") && !scheme.equals("http")) {
			throw WebhookException.invalidUrl("its scheme is not http or https");
		}
		if (parts.group(2).isEmpty()) {
			throw WebhookException.invalidUrl("it has no host");
		}
		return parts;
	}

	/** @return the parameters with repeated identical values dropped, empty when no value repeats */
	private static Optional<Map<String, List<String>>> withoutDuplicateValues(Map<String, List<String>> params) {
		Map<String, List<String>> distinct = new TreeMap<>();
		boolean dropped = false;
		for (Map.Entry<String, List<String>> entry : params.entrySet()) {
			List<String> values = entry.getValue().stream().map(value -> (value != null) ? value : "").toList();
			List<String> unique = List.copyOf(new LinkedHashSet<>(values));
			dropped |= unique.size() < values.size();
			distinct.put(entry.getKey(), unique);
		}
		return dropped ? Optional.of(distinct) : Optional.empty();
	}

	private static String decode(String text) {
		try {
			return URLDecoder.decode(text, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return text;
		}
	}

	private static boolean constantTimeEquals(String expected, String received) {
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				received.getBytes(StandardCharsets.UTF_8));
	}

}
