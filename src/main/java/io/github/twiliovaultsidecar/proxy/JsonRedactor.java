package io.github.twiliovaultsidecar.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.json.JsonFactory;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * Rewrites one JSON document chunk by chunk, replacing the value of every property named in its
 * {@link Fields} (at any depth, whatever its type) with {@value #REDACTED}: {@link #ALWAYS} for any
 * answer, more for a credential-bearing resource ({@link CredentialResources}). It holds at most one
 * input chunk and the output produced for it, so a page of any size streams through. One instance
 * per document; not thread-safe.
 */
final class JsonRedactor {

	/** Properties whose values never reach a caller, in any answer: the Accounts resource's tokens, a key's secret. */
	static final Fields ALWAYS = new Fields(Set.of("auth_token", "secondary_auth_token", "secret"));

	/** The names of {@link #ALWAYS}. */
	static final Set<String> FIELDS = ALWAYS.names();

	static final String REDACTED = "[redacted]";

	private static final JsonFactory FACTORY = new JsonFactory();

	/**
	 * The largest copy {@link #mayNameAField(DataBuffer)} keeps for its thread (an event loop) to use
	 * again; a larger document gets a copy of its own.
	 */
	static final int KEPT_COPY_BYTES = 64 * 1024;

	private static final ThreadLocal<byte[]> COPY = ThreadLocal.withInitial(() -> new byte[8192]);

	private final JsonParser parser = FACTORY.createNonBlockingByteArrayParser(ObjectReadContext.empty());

	private final ByteArrayFeeder feeder = (ByteArrayFeeder) this.parser.nonBlockingInputFeeder();

	private final ByteArrayOutputStream output = new ByteArrayOutputStream(8192);

	private final JsonGenerator generator = FACTORY.createGenerator(ObjectWriteContext.empty(), this.output);

	private final Fields fields;

	private boolean redactNextValue;

	private int skipDepth;

	private int redacted;

	/** A redactor of {@link #ALWAYS}. */
	JsonRedactor() {
		this(ALWAYS);
	}

	/** @param fields the properties whose values are replaced */
	JsonRedactor(Fields fields) {
		this.fields = fields;
	}

	/**
	 * Whether a whole document may need rewriting, in one pass over its bytes. A document with no
	 * backslash spells its property names literally, so one in which no quote closes a name of
	 * {@link #FIELDS} holds none of them and passes unchanged, its length included; a backslash (a
	 * name could be spelled with escapes) always means rewriting.
	 * <p>
	 * The buffer's bytes are copied in one go into an array its thread keeps, and read there, so no
	 * byte pays the buffer's bounds and reference checks. The copy is zeroed when the document may
	 * name a field, so a token never stays in it.
	 * @param document a complete JSON document: the buffer's readable bytes (its read position is not moved)
	 * @return {@code false} only when the document certainly holds no redacted field
	 */
	static boolean mayNameAField(DataBuffer document) {
		return mayNameAField(document, ALWAYS);
	}

	/** As {@link #mayNameAField(DataBuffer)}, for {@code fields}. */
	static boolean mayNameAField(DataBuffer document, Fields fields) {
		int length = document.readableByteCount();
		byte[] copy = COPY.get();
		if (copy.length < length) {
			copy = new byte[length];
			if (length <= KEPT_COPY_BYTES) {
				COPY.set(copy);
			}
		}
		int start = document.readPosition();
		document.read(copy, 0, length);
		document.readPosition(start);
		boolean may = mayNameAField(copy, length, fields);
		if (may) {
			// the kept copy never holds a token after the check
			Arrays.fill(copy, 0, length, (byte) 0);
		}
		return may;
	}

	/**
	 * @param document a complete JSON document in {@code document[0, length)}
	 * @return {@code false} only when the document certainly names none of {@code fields}
	 */
	static boolean mayNameAField(byte[] document, int length, Fields fields) {
		for (int i = 0; i < length; i++) {
			byte b = document[i];
			if (b == '\\' || (b == '"' && endsWithAFieldName(document, i, fields.bytes))) {
				return true;
			}
		}
		return false;
	}

	private static boolean endsWithAFieldName(byte[] document, int quote, byte[][] names) {
		if (quote == 0) {
			return false;
		}
		byte last = document[quote - 1];
		for (byte[] name : names) {
			// the last byte first: most quotes close a value or another name, and this keeps them cheap
			if (last == name[name.length - 1] && quote >= name.length
					&& Arrays.equals(document, quote - name.length, quote, name, 0, name.length)) {
				return true;
			}
		}
		return false;
	}

	/** @return the rewritten document, {@link #ALWAYS} redacted */
	static byte[] redact(byte[] document) {
		return new JsonRedactor().redactWhole(document);
	}

	/**
	 * @param document a whole JSON document
	 * @return the rewritten document; {@link #redacted()} then counts the values replaced
	 * @throws tools.jackson.core.JacksonException when the bytes are not JSON
	 */
	byte[] redactWhole(byte[] document) {
		JsonRedactor redactor = this;
		byte[] head = redactor.feed(document);
		byte[] tail = redactor.finish();
		if (tail.length == 0) {
			return head;
		}
		byte[] all = Arrays.copyOf(head, head.length + tail.length);
		System.arraycopy(tail, 0, all, head.length, tail.length);
		return all;
	}

	/**
	 * @param chunk the next bytes of the document
	 * @return the rewritten bytes that chunk completed, possibly empty
	 * @throws tools.jackson.core.JacksonException when the bytes are not JSON
	 */
	byte[] feed(byte[] chunk) {
		this.feeder.feedInput(chunk, 0, chunk.length);
		drain();
		return takeOutput();
	}

	/**
	 * @return the rewritten bytes that remain once the input has ended
	 * @throws tools.jackson.core.JacksonException when the document is truncated or not JSON
	 */
	byte[] finish() {
		this.feeder.endOfInput();
		drain();
		this.generator.close();
		return takeOutput();
	}

	private void drain() {
		JsonToken token;
		while ((token = this.parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
			if (this.skipDepth > 0) {
				this.skipDepth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
			}
			else if (this.redactNextValue) {
				this.redactNextValue = false;
				this.generator.writeString(REDACTED);
				this.skipDepth = token.isStructStart() ? 1 : 0;
			}
			else if (token == JsonToken.PROPERTY_NAME && this.fields.names.contains(this.parser.currentName())) {
				this.generator.writeName(this.parser.currentName());
				this.redactNextValue = true;
				this.redacted++;
			}
			else {
				this.generator.copyCurrentEventExact(this.parser);
			}
		}
	}

	/** @return how many values this redactor has replaced so far */
	int redacted() {
		return this.redacted;
	}

	private byte[] takeOutput() {
		this.generator.flush();
		byte[] bytes = this.output.toByteArray();
		this.output.reset();
		return bytes;
	}

	/**
	 * Property names to redact, with their bytes for {@link #mayNameAField}.
	 * @param names the names, not empty
	 */
	record Fields(Set<String> names, byte[][] bytes) {

		Fields(Set<String> names) {
			this(Set.copyOf(names), names.stream().map(name -> name.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new));
		}

		@Override
		public String toString() {
			return "Fields" + new java.util.TreeSet<>(this.names);
		}

	}

}
