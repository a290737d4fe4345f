package io.github.twiliovaultsidecar.proxy;

import java.util.Optional;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponse;

import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.upstream.UpstreamClient;

/**
 * Passes Twilio's answer to the caller, checked for secrets ({@link Redaction}) and with the caller's
 * response headers ({@link HeaderRules#callerResponse}). A JSON body of known length up to the replay
 * limit is read whole and goes out as it came, the buffer itself, unless it holds something to redact;
 * then it is rewritten and its length set again. Any other body streams through the redaction. An
 * answer that cannot be checked is withheld (the caller gets {@link ProxyException#unreadableResponse}):
 * a compressed body (the sidecar never asks for compression), or a credential-bearing resource
 * answered in another representation than JSON.
 */
final class Relay {

	private final Redaction redaction;

	private final Set<String> products;

	private final long wholeLimit;

	/**
	 * @param products the products callers may reach, for the rewritten {@code Location} header
	 * @param wholeLimit JSON bodies of a known length up to this many bytes are read whole
	 */
	Relay(Redaction redaction, Set<String> products, long wholeLimit) {
		this.redaction = redaction;
		this.products = products;
		this.wholeLimit = wholeLimit;
	}

	/**
	 * Where one answer goes: the caller's response, and what the caller asked for.
	 *
	 * @param method the caller's method
	 * @param target the Twilio host and path the caller named
	 * @param resource the credential-bearing resource the request names, if any
	 * @param out the caller's response
	 */
	record Destination(HttpMethod method, ProxyTarget target, Optional<CredentialResources.Resource> resource,
			ServerHttpResponse out) {
	}

	/**
	 * Relays {@code response}, whose body nobody has read yet.
	 * @param credential the credential the request was signed with
	 * @return completion once the answer was written; an unreadable answer fails with its problem
	 * before anything is written
	 */
	Mono<Void> relay(Destination to, ClientHttpResponse response, RegionalCredential credential) {
		ServerHttpResponse out = to.out();
		String host = to.target().host().hostName();
		HttpHeaders upstreamHeaders = response.getHeaders();
		boolean json = isJson(upstreamHeaders.getContentType());
		int status = response.getStatusCode().value();
		boolean mayHaveBody = to.method() != HttpMethod.HEAD && status != 204 && status != 304;
		if (mayHaveBody && !isIdentity(upstreamHeaders.getFirst(HttpHeaders.CONTENT_ENCODING))) {
			return UpstreamClient.releaseBody(response)
				.then(Mono.error(ProxyException.unreadableResponse(host, json ? "compressed JSON" : "compressed")));
		}
		if (mayHaveBody && !json && to.resource().isPresent() && response.getStatusCode().is2xxSuccessful()) {
			return UpstreamClient.releaseBody(response)
				.then(Mono.error(ProxyException.unreadableResponse(host,
						"a resource that carries credentials answered in another representation than JSON")));
		}
		long length = upstreamHeaders.getContentLength();
		if (json && length >= 0 && length <= this.wholeLimit) {
			return DataBufferUtils.join(response.getBody(), (int) length + 1)
				.switchIfEmpty(Mono.fromSupplier(() -> out.bufferFactory().allocateBuffer(0)))
				.flatMap(whole -> relayWhole(to, response, whole, credential));
		}
		Redaction.Answer answer = answer(to, credential);
		out.setStatusCode(response.getStatusCode());
		callerHeaders(to, response, json, credential, answer);
		return out.writeWith(answer.streamed(response.getBody(), json, out.bufferFactory()));
	}

	/**
	 * Relays an answer whose body was read whole already (to decide whether to retry).
	 * @param body released here or by the write
	 */
	Mono<Void> relayWhole(Destination to, ClientHttpResponse response, DataBuffer body,
			RegionalCredential credential) {
		ServerHttpResponse out = to.out();
		boolean json = isJson(response.getHeaders().getContentType());
		Redaction.Answer answer = answer(to, credential);
		int length = body.readableByteCount();
		DataBuffer relayed = answer.whole(body, json, out.bufferFactory());
		boolean rewritten = relayed != body;
		out.setStatusCode(response.getStatusCode());
		callerHeaders(to, response, rewritten && json, credential, answer);
		if (rewritten && relayed.readableByteCount() != length) {
			out.getHeaders().setContentLength(relayed.readableByteCount());
		}
		answer.done();
		return out.writeWith(Mono.just(relayed));
	}

	private Redaction.Answer answer(Destination to, RegionalCredential credential) {
		return this.redaction.answer(credential, to.method().name(), to.target().path(), to.resource());
	}

	private void callerHeaders(Destination to, ClientHttpResponse response, boolean lengthChanged,
			RegionalCredential credential, Redaction.Answer answer) {
		HttpHeaders headers = to.out().getHeaders();
		HeaderRules.callerResponse(response.getHeaders(), lengthChanged, credential.version(),
				to.target().host().hostName(), this.products, headers);
		answer.headers(headers);
	}

	private static boolean isJson(MediaType type) {
		return type != null && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
				|| (type.getSubtype() != null && type.getSubtype().endsWith("+json")));
	}

	private static boolean isIdentity(String encoding) {
		return encoding == null || encoding.isBlank() || "identity".equalsIgnoreCase(encoding.strip());
	}

}
