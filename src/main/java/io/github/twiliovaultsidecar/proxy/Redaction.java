package io.github.twiliovaultsidecar.proxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;

import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.RegionalCredential;

/**
 * What is taken out of Twilio's answers before a caller sees them, in two layers. By name: the
 * credential fields of a JSON answer ({@link JsonRedactor}; which fields, and which resources are
 * forwarded as JSON only, come from {@link CredentialResources}). By value: every credential the
 * sidecar holds in memory ({@link KnownValues}: the secret that signed the request, its Basic form,
 * and every other one cached), found in any answer, whatever its content type, headers and body,
 * across chunk boundaries, and masked with bytes of the same length.
 * <p>
 * Every value replaced is counted in {@value #METER} (tags {@code kind}: {@code field} or
 * {@code known-value}; {@code part}: {@code body} or {@code header}); a known value found in an
 * answer is also logged once per answer, by method, path and where it was (never by value). A
 * field redaction is routine (every Accounts answer has one) and is only counted.
 */
final class Redaction {

	/** Counter of values replaced in answers. */
	static final String METER = "sidecar.proxy.redactions";

	/** The largest work array a thread keeps for the next answer; a larger body gets one of its own. */
	static final int KEPT_WORK_BYTES = 64 * 1024;

	private static final Logger log = LoggerFactory.getLogger(Redaction.class);

	private static final ThreadLocal<byte[]> WORK = ThreadLocal.withInitial(() -> new byte[8192]);

	private final Supplier<List<RegionalCredential>> held;

	private final LongSupplier changes;

	private final CredentialResources resources;

	private final Counter fieldCount;

	private final Counter knownInBodyCount;

	private final Counter knownInHeaderCount;

	private volatile Held known = new Held(Long.MIN_VALUE, KnownValues.NONE);

	/**
	 * @param held the credentials held in memory ({@link CredentialCache#held()})
	 * @param changes a number that changes with them ({@link CredentialCache#changes()})
	 * @param resources the credential-bearing resources
	 * @param registry where {@value #METER} is registered
	 */
	Redaction(Supplier<List<RegionalCredential>> held, LongSupplier changes, CredentialResources resources,
			MeterRegistry registry) {
		this.held = held;
		this.changes = changes;
		this.resources = resources;
		this.fieldCount = counter(registry, "field", "body");
		this.knownInBodyCount = counter(registry, "known-value", "body");
		this.knownInHeaderCount = counter(registry, "known-value", "header");
	}

	private static Counter counter(MeterRegistry registry, String kind, String part) {
		return Counter.builder(METER)
			.description("Values replaced in Twilio's answers before the caller saw them: credential fields by name, "
					+ "credentials the sidecar holds by value")
			.tag("kind", kind)
			.tag("part", part)
			.register(registry);
	}

	/**
	 * @param target the request's target
	 * @return the credential-bearing resource it names, if any
	 * @throws ProxyException a 400 when it names one in a representation that is not forwarded
	 */
	Optional<CredentialResources.Resource> resourceFor(ProxyTarget target) {
		return this.resources.checkRepresentation(target.host().product(), target.path(), target.query());
	}

	/**
	 * @param signing the credential the request was signed with
	 * @param method the request's method, for the log line
	 * @param path the request's path, for the log line
	 * @param resource the credential-bearing resource the request names, if any
	 * @return the redaction of one answer
	 */
	Answer answer(RegionalCredential signing, String method, String path,
			Optional<CredentialResources.Resource> resource) {
		return new Answer(known(signing), resource.map(CredentialResources.Resource::fields).orElse(JsonRedactor.ALWAYS),
				method, path);
	}

	/** @return the patterns of every credential held, {@code signing} included */
	KnownValues known(RegionalCredential signing) {
		Held current = this.known;
		long changes = this.changes.getAsLong();
		if (current.changes != changes) {
			current = new Held(changes, KnownValues.of(this.held.get()));
			this.known = current;
		}
		return current.values.covers(signing) ? current.values : current.values.with(signing, this.held.get());
	}

	private static byte[] work(int length) {
		byte[] work = WORK.get();
		if (work.length < length) {
			work = new byte[Math.max(length, work.length * 2)];
			if (work.length <= KEPT_WORK_BYTES) {
				WORK.set(work);
			}
		}
		return work;
	}

	private record Held(long changes, KnownValues values) {
	}

	/** The redaction of one answer; not thread-safe (an answer's chunks come one after another). */
	final class Answer {

		private final KnownValues known;

		private final JsonRedactor.Fields fields;

		private final String method;

		private final String path;

		private final List<String> where = new ArrayList<>(1);

		private int knownInBody;

		private int fieldsInBody;

		/** Bytes of the body held back because a match may go on in the next chunk. */
		private byte[] pending = new byte[0];

		private boolean done;

		private Answer(KnownValues known, JsonRedactor.Fields fields, String method, String path) {
			this.known = known;
			this.fields = fields;
			this.method = method;
			this.path = path;
		}

		/** @return the fields redacted by name from this answer's JSON */
		JsonRedactor.Fields fields() {
			return this.fields;
		}

		/** Masks every held credential in the caller's response headers. */
		void headers(HttpHeaders headers) {
			if (this.known.isEmpty()) {
				return;
			}
			for (String name : new ArrayList<>(headers.headerNames())) {
				List<String> values = headers.get(name);
				if (values == null) {
					continue;
				}
				List<String> scrubbed = new ArrayList<>(values.size());
				boolean changed = false;
				for (String value : values) {
					String clean = this.known.scrub(value);
					changed |= (clean != value);
					scrubbed.add(clean);
				}
				if (changed) {
					headers.put(name, scrubbed);
					knownInHeaderCount.increment();
					this.where.add("header " + name);
				}
			}
		}

		/**
		 * Redacts a body read whole. Its bytes are copied once into an array the thread keeps and
		 * checked there; the buffer itself goes out when nothing was found. The caller calls
		 * {@link #done()} once the headers are redacted too.
		 * @param body released here when it is replaced
		 * @param json whether the body is JSON, so fields are redacted by name too
		 * @return the body to send: {@code body}, or a new buffer
		 * @throws tools.jackson.core.JacksonException when a JSON body that names a field is not JSON
		 */
		DataBuffer whole(DataBuffer body, boolean json, DataBufferFactory buffers) {
			int length = body.readableByteCount();
			byte[] work = work(length);
			int start = body.readPosition();
			body.read(work, 0, length);
			body.readPosition(start);
			if (json && JsonRedactor.mayNameAField(work, length, this.fields)) {
				// fields first: a credential in a field redacted by name is routine, not a known value found
				byte[] copy = Arrays.copyOf(work, length);
				Arrays.fill(work, 0, length, (byte) 0);
				JsonRedactor redactor = new JsonRedactor(this.fields);
				byte[] bytes = redactor.redactWhole(copy);
				Arrays.fill(copy, (byte) 0);
				this.fieldsInBody += redactor.redacted();
				this.knownInBody += this.known.scrub(bytes, 0, bytes.length);
				DataBufferUtils.release(body);
				return buffers.wrap(bytes);
			}
			int hits = this.known.scrub(work, 0, length);
			if (hits == 0) {
				return body;
			}
			byte[] bytes = Arrays.copyOf(work, length);
			Arrays.fill(work, 0, length, (byte) 0);
			this.knownInBody += hits;
			DataBufferUtils.release(body);
			return buffers.wrap(bytes);
		}

		/**
		 * Redacts a body as it streams: a JSON body through a {@link JsonRedactor}, every body through
		 * the known values. The few bytes at a chunk's end that could begin a credential wait for the
		 * next chunk; a chunk in which nothing is found goes out as the buffer it came in.
		 */
		Flux<DataBuffer> streamed(Flux<DataBuffer> body, boolean json, DataBufferFactory buffers) {
			return Flux.defer(() -> {
				JsonRedactor redactor = json ? new JsonRedactor(this.fields) : null;
				Flux<DataBuffer> scrubbed = body.map(chunk -> {
					if (redactor == null) {
						return next(chunk, buffers);
					}
					byte[] bytes = new byte[chunk.readableByteCount()];
					chunk.read(bytes);
					DataBufferUtils.release(chunk);
					return next(buffers.wrap(redactor.feed(bytes)), buffers);
				}).concatWith(Mono.fromCallable(() -> {
					byte[] tail = (redactor != null) ? redactor.finish() : new byte[0];
					DataBuffer last = next(buffers.wrap(tail), buffers);
					if (redactor != null) {
						this.fieldsInBody += redactor.redacted();
					}
					byte[] rest = this.pending;
					this.pending = new byte[0];
					if (rest.length == 0) {
						return last;
					}
					byte[] joined = new byte[last.readableByteCount() + rest.length];
					int head = last.readableByteCount();
					last.read(joined, 0, head);
					DataBufferUtils.release(last);
					System.arraycopy(rest, 0, joined, head, rest.length);
					return buffers.wrap(joined);
				}));
				return scrubbed.doFinally(signal -> done());
			});
		}

		/** @return the bytes of {@link #pending} and {@code chunk} that can go out now */
		private DataBuffer next(DataBuffer chunk, DataBufferFactory buffers) {
			if (this.known.isEmpty()) {
				return chunk;
			}
			int carried = this.pending.length;
			int length = chunk.readableByteCount();
			int total = carried + length;
			byte[] work = work(total);
			System.arraycopy(this.pending, 0, work, 0, carried);
			int start = chunk.readPosition();
			chunk.read(work, carried, length);
			chunk.readPosition(start);
			int hits = this.known.scrub(work, 0, total);
			int held = this.known.pendingSuffix(work, 0, total);
			this.pending = Arrays.copyOfRange(work, total - held, total);
			if (hits == 0 && carried == 0) {
				chunk.writePosition(start + length - held);
				return chunk;
			}
			this.knownInBody += hits;
			byte[] out = Arrays.copyOf(work, total - held);
			if (hits > 0) {
				Arrays.fill(work, 0, total, (byte) 0);
			}
			DataBufferUtils.release(chunk);
			return buffers.wrap(out);
		}

		/** Counts what this answer had replaced, and logs a known value found, once. */
		void done() {
			if (this.done) {
				return;
			}
			this.done = true;
			if (this.fieldsInBody > 0) {
				fieldCount.increment(this.fieldsInBody);
			}
			if (this.knownInBody > 0) {
				knownInBodyCount.increment(this.knownInBody);
				this.where.add("body");
			}
			if (!this.where.isEmpty()) {
				log.warn("Masked a credential the sidecar holds in Twilio's answer to {} {} ({}); the caller got the "
						+ "answer without it", this.method, this.path, String.join(", ", this.where));
			}
		}

	}

}
