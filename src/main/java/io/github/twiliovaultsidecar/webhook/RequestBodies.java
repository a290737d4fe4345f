package io.github.twiliovaultsidecar.webhook;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;

import reactor.core.publisher.Mono;

/** Reads a request body into memory up to a limit, for both webhook endpoints. */
final class RequestBodies {

	private RequestBodies() {
	}

	/**
	 * @param request the request whose body is read
	 * @param limitBytes the most bytes read
	 * @return the body, empty when there is none
	 * @throws WebhookException (as the Mono's error) with status 413 when the declared or actual length is
	 * larger than {@code limitBytes}; nothing past the limit is read
	 */
	static Mono<byte[]> read(ServerHttpRequest request, int limitBytes) {
		if (request.getHeaders().getContentLength() > limitBytes) {
			return Mono.error(WebhookException.bodyTooLarge(limitBytes));
		}
		return DataBufferUtils.join(request.getBody(), limitBytes)
			.map(RequestBodies::bytes)
			.defaultIfEmpty(new byte[0])
			.onErrorMap(DataBufferLimitException.class, ex -> WebhookException.bodyTooLarge(limitBytes));
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

}
