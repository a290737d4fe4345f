package io.github.twiliovaultsidecar.proxy;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;

import io.github.twiliovaultsidecar.web.MessageFraming;

/**
 * A caller's request body on its way to Twilio: kept in memory when it is small enough to be sent
 * again (after a 401 with a rotated credential, or a retry), else streamed once through a size limit.
 * A request that has no body ({@link MessageFraming#mayHaveBody}) is not read at all and counts as
 * an empty kept body.
 */
final class ProxiedBody {

	/** An empty body, kept: it can be sent any number of times. */
	static final ProxiedBody EMPTY = new ProxiedBody(new byte[0], null);

	/** The bytes of a kept body, {@code null} for a streamed one. */
	private final byte[] bytes;

	/** The chunks of a streamed body, {@code null} for a kept one. */
	private final Flux<DataBuffer> stream;

	private ProxiedBody(byte[] bytes, Flux<DataBuffer> stream) {
		this.bytes = bytes;
		this.stream = stream;
	}

	/**
	 * @param length the request's {@code Content-Length}, -1 when it has none
	 * @param replayLimit bodies of a known length up to this many bytes are kept
	 * @param limit the largest body accepted: a streamed body longer than this fails with
	 * {@link ProxyException#bodyTooLarge} (a longer declared length is refused before this is called)
	 * @return the body, kept or streamed
	 */
	static Mono<ProxiedBody> of(ServerHttpRequest request, long length, long replayLimit, long limit) {
		if (!MessageFraming.mayHaveBody(request.getHeaders())) {
			// kept as an empty body (a GET from most clients has no Content-Length), so it can be sent again
			return Mono.just(EMPTY);
		}
		if (length >= 0 && length <= replayLimit) {
			return DataBufferUtils.join(request.getBody(), (int) length + 1)
				.map(joined -> new ProxiedBody(bytes(joined), null))
				.defaultIfEmpty(EMPTY);
		}
		return Mono.just(new ProxiedBody(null, limited(request.getBody(), limit)));
	}

	/** @return whether the body can be sent again */
	boolean replayable() {
		return this.bytes != null;
	}

	/** @return the body to send: a kept body wrapped anew for each attempt, a streamed one as it comes */
	Flux<DataBuffer> publisher(DataBufferFactory buffers) {
		return replayable() ? (this.bytes.length == 0 ? Flux.empty() : Flux.just(buffers.wrap(this.bytes)))
				: this.stream;
	}

	/** @return the bytes of {@code joined}, which is released */
	static byte[] bytes(DataBuffer joined) {
		byte[] bytes = new byte[joined.readableByteCount()];
		joined.read(bytes);
		DataBufferUtils.release(joined);
		return bytes;
	}

	/** @return {@code body}, failing with {@link ProxyException#bodyTooLarge} once more than {@code limit} bytes came */
	static Flux<DataBuffer> limited(Flux<DataBuffer> body, long limit) {
		return Flux.defer(() -> {
			long[] seen = { 0 };
			return body.map(chunk -> {
				seen[0] += chunk.readableByteCount();
				if (seen[0] > limit) {
					DataBufferUtils.release(chunk);
					throw ProxyException.bodyTooLarge(limit);
				}
				return chunk;
			});
		});
	}

}
