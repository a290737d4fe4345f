package io.github.twiliovaultsidecar.webhook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Twilio signed besides the URL: the POST parameters of a form-encoded webhook, or the raw
 * body of a JSON webhook (whose URL then carries {@code bodySHA256}).
 */
sealed interface SignedPayload {

	/** @return a form payload with no parameters, as for a GET webhook */
	static SignedPayload none() {
		return new Form(Map.of());
	}

	/**
	 * POST parameters. Each name keeps every value it was sent with, in any order.
	 *
	 * @param params parameter names and their values, not {@code null}; a {@code null} value counts as empty
	 */
	record Form(Map<String, List<String>> params) implements SignedPayload {

		public Form {
			Map<String, List<String>> copy = new LinkedHashMap<>();
			params.forEach((name, values) -> copy.put(name, Collections.unmodifiableList(new ArrayList<>(values))));
			params = Collections.unmodifiableMap(copy);
		}

	}

	/**
	 * The raw body of a JSON webhook.
	 *
	 * @param body the bytes exactly as received, not {@code null}
	 */
	record Json(byte[] body) implements SignedPayload {

		public Json {
			body = body.clone();
		}

		@Override
		public byte[] body() {
			return this.body.clone();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Json that && Arrays.equals(this.body, that.body);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.body);
		}

		@Override
		public String toString() {
			return "Json[" + this.body.length + " bytes]";
		}

	}

}
