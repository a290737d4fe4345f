package io.github.twiliovaultsidecar.proxy;

import java.util.Set;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.server.ServerWebExchange;

import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.twilio.AccountSid;

/**
 * Forwards one caller request to Twilio, signed with the credential stored for the account and the
 * region named by the host. Everything about the request is checked before Vault or Twilio is
 * contacted. When Twilio rejects the credential (401) the proxy re-reads it from Vault and, when a
 * newer version exists and the body was kept, sends the request once more; a 401 proves Twilio did
 * nothing, so this is safe for a POST too. No other failure is retried.
 */
final class SigningProxy {

	/** Methods forwarded to Twilio. */
	static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
			HttpMethod.PATCH, HttpMethod.DELETE);

	private final ProxyProperties properties;

	private final CredentialCache credentials;

	private final VaultLayout layout;

	private final UpstreamClient upstream;

	SigningProxy(ProxyProperties properties, CredentialCache credentials, VaultLayout layout, UpstreamClient upstream) {
		this.properties = properties;
		this.credentials = credentials;
		this.layout = layout;
		this.upstream = upstream;
	}

	Mono<Void> forward(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		if (!METHODS.contains(request.getMethod())) {
			return Mono.error(ProxyException.methodNotAllowed(request.getMethod().name()));
		}
		ProxyTarget target = ProxyTarget.parse(request.getPath().value(), request.getURI().getRawQuery(),
				this.properties.products());
		HttpHeaders headers = request.getHeaders();
		AccountSid account = AccountResolution.resolve(target.path(), headers.getFirst(HttpHeaders.AUTHORIZATION),
				headers.getFirst(AccountResolution.ACCOUNT_HEADER), this.properties.defaultAccount());
		CredentialKey key = new CredentialKey(account, target.host().region());
		long limit = this.properties.maxRequestBody().toBytes();
		long length = headers.getContentLength();
		if (length > limit) {
			return Mono.error(ProxyException.bodyTooLarge(limit));
		}
		Mono<RequestBody> body = (length >= 0 && length <= this.properties.replayLimit().toBytes())
				? DataBufferUtils.join(request.getBody(), (int) length + 1)
					.map(RequestBody::kept)
					.defaultIfEmpty(RequestBody.kept(null))
				: Mono.just(RequestBody.streamed(limited(request.getBody(), limit)));
		return body.flatMap(kept -> this.credentials.get(key)
			.flatMap(credential -> send(exchange, target, key, credential, kept, true)));
	}

	private Mono<Void> send(ServerWebExchange exchange, ProxyTarget target, CredentialKey key,
			RegionalCredential credential, RequestBody body, boolean firstAttempt) {
		ServerHttpRequest request = exchange.getRequest();
		String host = target.host().hostName();
		HttpHeaders headers = HeaderRules.upstreamRequest(request.getHeaders(), host, credential.basicAuthorization());
		return this.upstream.exchange(request.getMethod(), host, target.pathAndQuery(), headers,
				body.publisher(exchange.getResponse().bufferFactory()), response -> {
					if (response.statusCode().value() == 401) {
						return response.releaseBody()
							.then(afterRejection(exchange, target, key, credential, body, firstAttempt));
					}
					return relay(exchange.getResponse(), response, credential.version(), host);
				});
	}

	private Mono<Void> afterRejection(ServerWebExchange exchange, ProxyTarget target, CredentialKey key,
			RegionalCredential rejected, RequestBody body, boolean firstAttempt) {
		String path = this.layout.displayPath(key);
		if (!firstAttempt) {
			return Mono.error(ProxyException.storedCredentialRejected(key, path, rejected.version()));
		}
		return this.credentials.reload(key).flatMap(fresh -> {
			if (fresh.version() > rejected.version() && body.replayable()) {
				return send(exchange, target, key, fresh, body, false);
			}
			return Mono.error(ProxyException.storedCredentialRejected(key, path, rejected.version()));
		});
	}

	private Mono<Void> relay(ServerHttpResponse out, ClientResponse response, long version, String host) {
		HttpHeaders upstreamHeaders = response.headers().asHttpHeaders();
		boolean json = isJson(upstreamHeaders.getContentType());
		if (json && !isIdentity(upstreamHeaders.getFirst(HttpHeaders.CONTENT_ENCODING))) {
			return response.releaseBody()
				.then(Mono.error(ProxyException.unreadableResponse(host, "compressed JSON")));
		}
		out.setStatusCode(response.statusCode());
		out.getHeaders().addAll(HeaderRules.callerResponse(upstreamHeaders, json, version));
		Flux<DataBuffer> body = response.bodyToFlux(DataBuffer.class);
		return out.writeWith(json ? redacted(body, out.bufferFactory()) : body);
	}

	static Flux<DataBuffer> redacted(Flux<DataBuffer> body, DataBufferFactory buffers) {
		return Flux.defer(() -> {
			JsonRedactor redactor = new JsonRedactor();
			return body.map(chunk -> {
				byte[] bytes = new byte[chunk.readableByteCount()];
				chunk.read(bytes);
				DataBufferUtils.release(chunk);
				return buffers.wrap(redactor.feed(bytes));
			}).concatWith(Mono.fromCallable(() -> buffers.wrap(redactor.finish())));
		});
	}

	private static Flux<DataBuffer> limited(Flux<DataBuffer> body, long limit) {
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

	private static boolean isJson(MediaType type) {
		return type != null && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
				|| (type.getSubtype() != null && type.getSubtype().endsWith("+json")));
	}

	private static boolean isIdentity(String encoding) {
		return encoding == null || encoding.isBlank() || "identity".equalsIgnoreCase(encoding.strip());
	}

	/** A request body: kept in memory (small, can be sent twice) or streamed once. */
	private record RequestBody(byte[] bytes, Flux<DataBuffer> stream) {

		static RequestBody kept(DataBuffer joined) {
			if (joined == null) {
				return new RequestBody(new byte[0], null);
			}
			byte[] bytes = new byte[joined.readableByteCount()];
			joined.read(bytes);
			DataBufferUtils.release(joined);
			return new RequestBody(bytes, null);
		}

		static RequestBody streamed(Flux<DataBuffer> stream) {
			return new RequestBody(null, stream);
		}

		boolean replayable() {
			return this.bytes != null;
		}

		Flux<DataBuffer> publisher(DataBufferFactory buffers) {
			return replayable() ? (this.bytes.length == 0 ? Flux.empty() : Flux.just(buffers.wrap(this.bytes)))
					: this.stream;
		}

	}

}
