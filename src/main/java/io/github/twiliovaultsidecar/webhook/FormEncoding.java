package io.github.twiliovaultsidecar.webhook;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes {@code application/x-www-form-urlencoded} bodies, the way Twilio posts webhook parameters. */
final class FormEncoding {

	private FormEncoding() {
	}

	/**
	 * @param body the raw body, UTF-8; may be empty
	 * @return each name with every value it was sent with, in the order received
	 * @throws IllegalArgumentException when a {@code %} escape is broken
	 */
	static Map<String, List<String>> decode(byte[] body) {
		Map<String, List<String>> params = new LinkedHashMap<>();
		String text = new String(body, StandardCharsets.UTF_8);
		if (text.isEmpty()) {
			return params;
		}
		for (String pair : text.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = URLDecoder.decode((equals < 0) ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
			String value = (equals < 0) ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
			params.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
		}
		params.replaceAll((name, values) -> Collections.unmodifiableList(values));
		return params;
	}

}
