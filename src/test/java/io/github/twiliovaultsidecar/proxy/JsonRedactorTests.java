package io.github.twiliovaultsidecar.proxy;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonRedactorTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String ACCOUNT_PAGE = """
			{"accounts":[{"sid":"AC1","auth_token":"0123456789abcdef0123456789abcdef","status":"active"},
			{"sid":"AC2","auth_token":"fedcba9876543210fedcba9876543210","nested":{"secondary_auth_token":"aaaa"}}],
			"keys":[{"sid":"SK1","secret":{"value":"s3cr3t","more":[1,2,{"x":"y"}]}}],
			"price":"-0.00750","amount":1.2345678901234567890123,"count":12,"ok":true,"none":null,
			"next_page_uri":null,"note":"auth_token in a value is text, not a field"}
			""";

	@Test
	void redactsEveryTokenFieldAtAnyDepthWhateverItsType() {
		String text = redact(ACCOUNT_PAGE, Integer.MAX_VALUE);
		JsonNode out = JSON.readTree(text);
		assertThat(out.at("/accounts/0/auth_token").asString()).isEqualTo("[redacted]");
		assertThat(out.at("/accounts/1/auth_token").asString()).isEqualTo("[redacted]");
		assertThat(out.at("/accounts/1/nested/secondary_auth_token").asString()).isEqualTo("[redacted]");
		assertThat(out.at("/keys/0/secret").asString()).isEqualTo("[redacted]");
		assertThat(out.at("/accounts/0/status").asString()).isEqualTo("active");
		assertThat(out.at("/price").asString()).isEqualTo("-0.00750");
		assertThat(text).contains("\"amount\":1.2345678901234567890123");
		assertThat(out.at("/note").asString()).contains("auth_token");
		assertThat(out.at("/none").isNull()).isTrue();
	}

	@Test
	void givesTheSameResultWhateverTheChunkBoundaries() {
		String whole = redact(ACCOUNT_PAGE, Integer.MAX_VALUE);
		for (int chunk = 1; chunk <= 64; chunk++) {
			assertThat(redact(ACCOUNT_PAGE, chunk)).as("chunk size %d", chunk).isEqualTo(whole);
		}
		assertThat(whole).doesNotContain("0123456789abcdef").doesNotContain("s3cr3t").doesNotContain("aaaa");
	}

	@Test
	void aWholeDocumentIsRewrittenWhenItMayNameAFieldEvenThroughEscapes() {
		for (String field : JsonRedactor.FIELDS) {
			for (int escaped = -1; escaped < field.length(); escaped++) {
				String name = (escaped < 0) ? field : field.substring(0, escaped)
						+ String.format("\\u%04x", (int) field.charAt(escaped)) + field.substring(escaped + 1);
				byte[] document = ("{\"sid\":\"AC1\", \"" + name + "\" : \"hidden-value\"}").getBytes(StandardCharsets.UTF_8);
				assertThat(mayNameAField(document)).as(name).isTrue();
				assertThat(new String(JsonRedactor.redact(document), StandardCharsets.UTF_8)).as(name)
					.doesNotContain("hidden-value")
					.contains("[redacted]");
			}
		}
	}

	@Test
	void aDocumentWithoutAnySignOfAFieldPassesUnchanged() {
		String page = ACCOUNT_PAGE.replace("auth_token\":", "token_hint\":").replace("\"secret\":", "\"other\":")
			.replace("auth_token in a value", "a token in a value");
		byte[] document = page.getBytes(StandardCharsets.UTF_8);
		assertThat(mayNameAField(document)).isFalse();
		assertThat(JSON.readTree(JsonRedactor.redact(document))).isEqualTo(JSON.readTree(document));
		assertThat(mayNameAField("{\"note\":\"a \\\"quoted\\\" word\"}".getBytes(StandardCharsets.UTF_8)))
			.as("any backslash").isTrue();
	}

	@Test
	void aFieldNameIsFoundAtEitherEndOfTheBytesAndAQuoteAloneIsNot() {
		for (String field : JsonRedactor.FIELDS) {
			assertThat(mayNameAField((field + "\"").getBytes(StandardCharsets.US_ASCII))).as(field).isTrue();
			assertThat(mayNameAField(("{\"a\":1,\"" + field + "\"").getBytes(StandardCharsets.US_ASCII)))
				.as(field)
				.isTrue();
			String shorter = field.substring(0, field.length() - 1);
			assertThat(mayNameAField(("{\"" + shorter + "\":1}").getBytes(StandardCharsets.US_ASCII)))
				.as(shorter)
				.isFalse();
		}
		assertThat(mayNameAField("\"".getBytes(StandardCharsets.US_ASCII))).isFalse();
	}

	@Test
	void documentsOfEverySizeAreCheckedWholeOneAfterAnotherOnTheSameThread() {
		for (int size : new int[] { 100, 8192, 8193, JsonRedactor.KEPT_COPY_BYTES, JsonRedactor.KEPT_COPY_BYTES + 1, 200_000 }) {
			String filler = "{\"note\":\"" + "x".repeat(size) + "\"";
			assertThat(mayNameAField((filler + ",\"secret\":1}").getBytes(StandardCharsets.US_ASCII))).as("%d, last field", size)
				.isTrue();
			assertThat(mayNameAField((filler + "}").getBytes(StandardCharsets.US_ASCII))).as("%d, none", size).isFalse();
		}
	}

	@Test
	void aDocumentIsCheckedOnItsOwnBytesNotOnWhatTheThreadsCopyHeldBefore() throws Exception {
		mayNameAField("{\"sid\":\"AC1\"}".getBytes(StandardCharsets.US_ASCII));
		byte[] copy = keptCopy();
		byte[] stale = "\"auth_token\"\\".repeat(copy.length / 14).getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(stale, 0, copy, 0, stale.length);
		assertThat(mayNameAField("{\"sid\":\"AC1\"}".getBytes(StandardCharsets.US_ASCII))).isFalse();
		assertThat(mayNameAField("{\"a\":\"\"}".getBytes(StandardCharsets.US_ASCII))).isFalse();
	}

	@Test
	void theThreadsCopyHoldsNoTokenAfterADocumentThatMayNameAField() throws Exception {
		String token = "0123456789abcdef0123456789abcdef";
		assertThat(mayNameAField(("{\"sid\":\"AC1\",\"auth_token\":\"" + token + "\"}").getBytes(StandardCharsets.US_ASCII)))
			.isTrue();
		assertThat(keptCopy()).containsOnly((byte) 0);
		assertThat(mayNameAField(("{\"note\":\"a \\\"quoted\\\" " + token + "\"}").getBytes(StandardCharsets.US_ASCII)))
			.as("a backslash")
			.isTrue();
		assertThat(keptCopy()).containsOnly((byte) 0);
	}

	/** @return this thread's copy that {@link JsonRedactor#mayNameAField(DataBuffer)} scans and keeps */
	@SuppressWarnings("unchecked")
	private static byte[] keptCopy() throws ReflectiveOperationException {
		Field field = JsonRedactor.class.getDeclaredField("COPY");
		field.setAccessible(true);
		return ((ThreadLocal<byte[]>) field.get(null)).get();
	}

	/**
	 * The check on a buffer whose readable bytes are {@code document}, behind bytes already read that
	 * end with a field name: only the readable bytes count, and reading them leaves the buffer as it was.
	 */
	private static boolean mayNameAField(byte[] document) {
		byte[] alreadyRead = "{\"auth_token\"".getBytes(StandardCharsets.US_ASCII);
		DataBuffer buffer = DefaultDataBufferFactory.sharedInstance.allocateBuffer(alreadyRead.length + document.length);
		buffer.write(alreadyRead).write(document).readPosition(alreadyRead.length);
		boolean may = JsonRedactor.mayNameAField(buffer);
		assertThat(buffer.readPosition()).isEqualTo(alreadyRead.length);
		assertThat(buffer.readableByteCount()).isEqualTo(document.length);
		return may;
	}

	@Test
	void leavesAnEmptyBodyEmpty() {
		assertThat(redact("", 10)).isEmpty();
	}

	@Test
	void failsOnATruncatedDocumentRatherThanPassingItThrough() {
		JsonRedactor redactor = new JsonRedactor();
		redactor.feed("{\"auth_token\":\"0123".getBytes(StandardCharsets.UTF_8));
		assertThatThrownBy(redactor::finish).isInstanceOf(JacksonException.class);
	}

	@Test
	void holdsNoMoreThanTheCurrentChunk() {
		JsonRedactor redactor = new JsonRedactor();
		StringBuilder page = new StringBuilder("{\"messages\":[");
		for (int i = 0; i < 2000; i++) {
			page.append(i == 0 ? "" : ",").append("{\"sid\":\"SM").append(i).append("\",\"body\":\"hello\"}");
		}
		page.append("]}");
		byte[] bytes = page.toString().getBytes(StandardCharsets.UTF_8);
		int maxOut = 0;
		for (int from = 0; from < bytes.length; from += 4096) {
			maxOut = Math.max(maxOut, redactor.feed(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + 4096))).length);
		}
		assertThat(maxOut).isLessThan(8192);
	}

	private static String redact(String json, int chunkSize) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		JsonRedactor redactor = new JsonRedactor();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int from = 0; from < bytes.length; from += chunkSize) {
			out.writeBytes(redactor.feed(Arrays.copyOfRange(bytes, from, (int) Math.min(bytes.length, (long) from + chunkSize))));
		}
		out.writeBytes(redactor.finish());
		return out.toString(StandardCharsets.UTF_8);
	}

}
