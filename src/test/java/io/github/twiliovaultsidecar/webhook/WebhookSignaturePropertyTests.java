package io.github.twiliovaultsidecar.webhook;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.github.twiliovaultsidecar.twilio.Secret;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property test: for a few hundred random URLs, parameter sets and tokens, a signature made by the
 * official Twilio Java SDK is accepted, and any one-character change to the URL, a parameter or the
 * signature is rejected. The seed is printed in every failure message; rerun one with
 * {@code -Dwebhook.property.seed=N}.
 */
class WebhookSignaturePropertyTests {

	private static final int RUNS = 400;

	/** Characters used for names, values and paths: ASCII, Latin-1, CJK, an emoji, URL punctuation. */
	private static final int[] ALPHABET = "abcXYZ019_-.~+%=&/:;,'!$()*@éüßñ日本語Ж\u00a0\u2603"
		.codePoints()
		.toArray();

	private static final int[] EMOJI = { 0x1F600, 0x1F4DE };

	private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

	private final long seed = Long.getLong("webhook.property.seed", new SecureRandom().nextLong());

	private final Random random = new Random(this.seed);

	@Test
	void signaturesFromTheTwilioSdkAreAcceptedAndEveryOneCharacterChangeIsRejected() {
		for (int run = 0; run < RUNS; run++) {
			Case example = randomCase();
			String why = "seed " + this.seed + ", run " + run + ": " + example;
			String signature = example.twilioSignature();
			assertThat(verify(example.token, example.receivedUrl, example.params, signature)).as(why).isTrue();

			String url = mutateUrl(example);
			assertThat(verify(example.token, url, example.params, signature)).as(why + " URL changed to " + url)
				.isFalse();

			// Twilio signs names and values concatenated without separators, so a few changes (an empty
			// name becoming part of a neighbour, say) sign the same text; only changes to the signed text count.
			// The validator also accepts repeated values signed once (as twilio-node signs them), so a change
			// must alter the signed text both as sent and with repeats dropped.
			Map<String, List<String>> params = mutateParams(example.params);
			for (int tries = 0; tries < 50 && signsTheSame(example, params); tries++) {
				params = mutateParams(example.params);
			}
			assertThat(signsTheSame(example, params)).as(why + " found no detectable change").isFalse();
			assertThat(verify(example.token, example.receivedUrl, params, signature))
				.as(why + " params changed to " + params)
				.isFalse();

			String changedSignature = mutate(signature, BASE64.codePoints().toArray());
			assertThat(verify(example.token, example.receivedUrl, example.params, changedSignature))
				.as(why + " signature changed to " + changedSignature)
				.isFalse();
		}
	}

	@Test
	void theSdkItselfAcceptsWhatWeAcceptWhenNoNameRepeatsAndTheUrlIsUnchanged() {
		int compared = 0;
		for (int run = 0; run < RUNS; run++) {
			Case example = randomCase();
			if (example.hasRepeatedNames() || !example.receivedUrl.equals(example.signedUrl)) {
				continue;
			}
			String signature = example.twilioSignature();
			assertThat(TwilioSdk.validate(example.token, example.receivedUrl, example.singleValued(), signature))
				.as("seed " + this.seed + ", run " + run + ": " + example)
				.isTrue();
			assertThat(verify(example.token, example.receivedUrl, example.params, signature)).isTrue();
			compared++;
		}
		assertThat(compared).as("seed " + this.seed + ": cases compared").isGreaterThan(RUNS / 10);
	}

	private static boolean signsTheSame(Case example, Map<String, List<String>> params) {
		String url = example.receivedUrl;
		return WebhookSignature.dataToSign(url, params).equals(WebhookSignature.dataToSign(url, example.params))
				|| WebhookSignature.dataToSign(url, distinct(params))
					.equals(WebhookSignature.dataToSign(url, distinct(example.params)))
				|| WebhookSignature.dataToSign(url, distinct(params)).equals(WebhookSignature.dataToSign(url, example.params))
				|| WebhookSignature.dataToSign(url, params).equals(WebhookSignature.dataToSign(url, distinct(example.params)));
	}

	private static Map<String, List<String>> distinct(Map<String, List<String>> params) {
		Map<String, List<String>> out = new LinkedHashMap<>();
		params.forEach((name, values) -> out.put(name, values.stream().distinct().toList()));
		return out;
	}

	private static boolean verify(String token, String url, Map<String, List<String>> params, String signature) {
		try {
			return WebhookSignature.verify(Secret.of(token), url, new SignedPayload.Form(params), signature);
		}
		catch (WebhookException ex) {
			return false;
		}
	}

	private Case randomCase() {
		String scheme = this.random.nextBoolean() ? "https" : "http";
		String host = text(1 + this.random.nextInt(3), "abcdefghijklmnopqrstuvwxyz0123456789".codePoints().toArray())
				+ "." + (this.random.nextBoolean() ? "example.com" : "twilio-hooks.io");
		String defaultPort = scheme.equals("https") ? "443" : "80";
		String path = "";
		for (int i = this.random.nextInt(4); i > 0; i--) {
			path += "/" + text(this.random.nextInt(6), ALPHABET).replace("?", "").replace("#", "");
		}
		path = path.isEmpty() ? "/" : path;
		String query = "";
		if (this.random.nextBoolean()) {
			List<String> pairs = new ArrayList<>();
			for (int i = 1 + this.random.nextInt(3); i > 0; i--) {
				pairs.add(text(1 + this.random.nextInt(4), ALPHABET).replace("#", "") + "="
						+ text(this.random.nextInt(5), ALPHABET).replace("#", ""));
			}
			query = "?" + String.join("&", pairs);
		}
		String tail = path + query;
		// Twilio signs the URL with or without the default port; ports are not part of what the
		// signature protects (the SDKs drop any port), so the port is never mutated below.
		String plain = scheme + "://" + host + tail;
		String withDefault = scheme + "://" + host + ":" + defaultPort + tail;
		String withOther = scheme + "://" + host + ":" + (1024 + this.random.nextInt(60000)) + tail;
		String[][] pairs = { { plain, plain }, { withDefault, plain }, { plain, withDefault },
				{ withDefault, withDefault }, { plain, withOther } };
		String[] pair = pairs[this.random.nextInt(pairs.length)];
		return new Case(token(), pair[0], pair[1], host.length() + scheme.length() + 3, params());
	}

	private Map<String, List<String>> params() {
		Map<String, List<String>> params = new LinkedHashMap<>();
		for (int i = this.random.nextInt(8); i > 0; i--) {
			String name = (this.random.nextInt(4) == 0) ? "" : text(1 + this.random.nextInt(8), ALPHABET);
			if (this.random.nextInt(6) == 0 && !params.isEmpty()) {
				name = new ArrayList<>(params.keySet()).get(this.random.nextInt(params.size()));
			}
			String value = (this.random.nextInt(5) == 0) ? "" : text(this.random.nextInt(12), ALPHABET);
			params.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
		}
		return params;
	}

	private String token() {
		if (this.random.nextBoolean()) {
			return text(32, "0123456789abcdef".codePoints().toArray());
		}
		int[] printable = new int[0x7e - 0x21 + 1];
		for (int i = 0; i < printable.length; i++) {
			printable[i] = 0x21 + i;
		}
		return text(1 + this.random.nextInt(40), printable);
	}

	private String text(int length, int[] alphabet) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			boolean emoji = alphabet == ALPHABET && this.random.nextInt(20) == 0;
			text.appendCodePoint(emoji ? EMOJI[this.random.nextInt(EMOJI.length)]
					: alphabet[this.random.nextInt(alphabet.length)]);
		}
		return text.toString();
	}

	/** Changes one character of the received URL after its scheme and host (never the port). */
	private String mutateUrl(Case example) {
		String url = example.receivedUrl;
		int tailStart = url.indexOf('/', example.authorityEnd);
		if (tailStart < 0 || this.random.nextInt(4) == 0) {
			int[] hostPart = url.substring(0, example.authorityEnd).codePoints().toArray();
			int position = this.random.nextInt(hostPart.length);
			hostPart[position] = different(hostPart[position], "abcdefghijklmnopqrstuvwxyz0123456789".codePoints().toArray());
			return new String(hostPart, 0, hostPart.length) + url.substring(example.authorityEnd);
		}
		return url.substring(0, tailStart) + mutate(url.substring(tailStart), ALPHABET);
	}

	/** Changes one character of one name or value, or adds one to an empty one. */
	private Map<String, List<String>> mutateParams(Map<String, List<String>> params) {
		Map<String, List<String>> changed = new LinkedHashMap<>();
		params.forEach((name, values) -> changed.put(name, new ArrayList<>(values)));
		if (changed.isEmpty()) {
			changed.put(text(1, ALPHABET), List.of(""));
			return changed;
		}
		List<String> names = new ArrayList<>(changed.keySet());
		String name = names.get(this.random.nextInt(names.size()));
		List<String> values = changed.get(name);
		if (this.random.nextBoolean()) {
			int index = this.random.nextInt(values.size());
			values.set(index, mutate(values.get(index), ALPHABET));
		}
		else {
			changed.remove(name);
			changed.computeIfAbsent(mutate(name, ALPHABET), key -> new ArrayList<>()).addAll(values);
		}
		return changed;
	}

	/** @return {@code text} with one code point replaced by another, or one added when it is empty */
	private String mutate(String text, int[] alphabet) {
		int[] points = text.codePoints().toArray();
		if (points.length == 0) {
			return new String(Character.toChars(alphabet[this.random.nextInt(alphabet.length)]));
		}
		int position = this.random.nextInt(points.length);
		points[position] = different(points[position], alphabet);
		return new String(points, 0, points.length);
	}

	private int different(int codePoint, int[] alphabet) {
		int replacement;
		do {
			replacement = alphabet[this.random.nextInt(alphabet.length)];
		}
		while (replacement == codePoint);
		return replacement;
	}

	/**
	 * @param token the Auth Token
	 * @param signedUrl the URL as Twilio signed it
	 * @param receivedUrl the URL as the sidecar rebuilt it (maybe with or without the port)
	 * @param authorityEnd index in {@code receivedUrl} after scheme and host
	 * @param params the POST parameters, names possibly repeated
	 */
	private record Case(String token, String signedUrl, String receivedUrl, int authorityEnd,
			Map<String, List<String>> params) {

		boolean hasRepeatedNames() {
			return this.params.values().stream().anyMatch(values -> values.size() > 1);
		}

		Map<String, String> singleValued() {
			Map<String, String> single = new LinkedHashMap<>();
			this.params.forEach((name, values) -> single.put(name, values.get(0)));
			return single;
		}

		/**
		 * The signature Twilio sends. Without repeated names it is the Java SDK's own. The Java SDK takes
		 * one value per name, so for a repeated name the pairs are laid out the way Twilio's Python SDK
		 * does (names sorted, then each name's values sorted, one name+value pair per value) and the SDK
		 * signs that string.
		 */
		String twilioSignature() {
			if (!hasRepeatedNames()) {
				return TwilioSdk.sign(this.token, this.signedUrl, singleValued());
			}
			StringBuilder data = new StringBuilder(this.signedUrl);
			new TreeMap<>(this.params).forEach(
					(name, values) -> values.stream().sorted().forEach(value -> data.append(name).append(value)));
			return TwilioSdk.sign(this.token, data.toString(), Map.of());
		}

	}

}
