package io.github.twiliovaultsidecar.proxy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.security.CallerAccess;
import io.github.twiliovaultsidecar.store.CredentialCache;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.upstream.UpstreamClient;
import io.github.twiliovaultsidecar.upstream.UpstreamFailure;
import io.github.twiliovaultsidecar.web.MessageFraming;

/**
 * Forwards one caller request to Twilio, signed with the credential stored for the account and the
 * region named by the host. Everything about the request is checked before Vault or Twilio is
 * contacted. When Twilio rejects the credential (401) the proxy re-reads it from Vault and, when a
 * newer version exists and the body was kept, sends the request once more; a 401 proves Twilio did
 * nothing, so this is safe for a POST too. Other failures are retried only as {@link RetryPolicy} allows.
 */
final class SigningProxy {

	private static final JsonMapper ERRORS = JsonMapper.builder().build();

	/** Methods forwarded to Twilio. */
	static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
			HttpMethod.PATCH, HttpMethod.DELETE);

	private final ProxyProperties properties;

	private final CredentialCache credentials;

	private final VaultLayout layout;

	private final UpstreamClient upstream;

	private final ResilienceProperties resilience;

	private final RegionGuards guards;

	private final AccountPermits accounts;

	private final RetryPolicy retries;

	private final Clock clock;

	private final CallerAccess access;

	private final AuditLog audit;

	private final Redaction redaction;

	SigningProxy(ProxyProperties properties, CredentialCache credentials, VaultLayout layout, UpstreamClient upstream,
			ResilienceProperties resilience, RegionGuards guards, AccountPermits accounts, Clock clock,
			CallerAccess access, AuditLog audit, Redaction redaction) {
		this.redaction = redaction;
		this.access = access;
		this.audit = audit;
		this.properties = properties;
		this.credentials = credentials;
		this.layout = layout;
		this.upstream = upstream;
		this.resilience = resilience;
		this.guards = guards;
		this.accounts = accounts;
		this.retries = new RetryPolicy(resilience.retry());
		this.clock = clock;
	}

	/**
	 * @param caller the authenticated caller ({@link CallerAccess#caller})
	 * @param timing the request's timing, which writes the audit line once the response is sent
	 * @return completion of the response; a failure before it started is a {@link io.github.twiliovaultsidecar.problem.SidecarException}
	 */
	Mono<Void> forward(ServerHttpRequest request, ServerHttpResponse response, String caller, ProxyTiming timing) {
		if (!METHODS.contains(request.getMethod())) {
			return Mono.error(ProxyException.methodNotAllowed(request.getMethod().name()));
		}
		URI uri = request.getURI();
		ProxyTarget target = ProxyTarget.parse(uri.getRawPath(), uri.getRawQuery(),
				this.properties.products());
		Optional<CredentialResources.Resource> resource = this.redaction.resourceFor(target);
		HttpHeaders headers = request.getHeaders();
		AccountSid account = AccountResolution.resolve(target.path(), headers.getFirst(HttpHeaders.AUTHORIZATION),
				headers.getFirst(AccountResolution.ACCOUNT_HEADER), this.properties.defaultAccount());
		CredentialKey key = new CredentialKey(account, target.host().region());
		long limit = this.properties.maxRequestBody().toBytes();
		long length = headers.getContentLength();
		if (length > limit) {
			return Mono.error(ProxyException.bodyTooLarge(limit));
		}
		Call call = new Call(request, response, target, key, resource, this.clock.instant()
			.plus(this.resilience.timeouts().totalFor(key.region())));
		this.access.check(caller, request.getMethod().name(), target.path(), account, key.region());
		auditOnCommit(call, caller, timing);
		Runnable permit = this.accounts.tryAcquire(account);
		if (permit != null) {
			return send(call, length, limit).doFinally(signal -> permit.run());
		}
		return this.accounts.acquire(account)
			.flatMap(queued -> send(call, length, limit).doFinally(signal -> queued.run()));
	}

	/** Sends the request once the account's permit is held: within the region's bulkhead, signed. */
	private Mono<Void> send(Call call, long length, long limit) {
		return withinBulkhead(call.target.host().hostName(), readBody(call.request, length, limit)
			.flatMap(body -> this.credentials.get(call.key).flatMap(credential -> attempt(call, credential, body, 1))));
	}

	/**
	 * Writes the audit line for the response to the caller, whatever produced it: its status and
	 * latency are taken when the response starts, the line is written once it was sent.
	 */
	private void auditOnCommit(Call call, String caller, ProxyTiming timing) {
		long started = System.nanoTime();
		ServerHttpResponse response = call.response;
		response.beforeCommit(() -> {
			int status = (response.getStatusCode() != null) ? response.getStatusCode().value() : 0;
			long latencyMillis = (System.nanoTime() - started) / 1_000_000;
			long version = call.version;
			timing.afterResponse(() -> this.audit.proxied(caller, call.key.account().value(), call.key.region().code(),
					call.request.getMethod().name(), call.target.path(), status, latencyMillis, version,
					timing.traceId()));
			return Mono.empty();
		});
	}

	private Mono<Void> withinBulkhead(String host, Mono<Void> call) {
		Bulkhead bulkhead = this.guards.bulkhead(host);
		if (!bulkhead.tryAcquirePermission()) {
			return Mono.error(ProxyException.regionBusy(host, bulkhead.getBulkheadConfig().getMaxConcurrentCalls()));
		}
		return call.doFinally(signal -> bulkhead.onComplete());
	}

	private Mono<RequestBody> readBody(ServerHttpRequest request, long length, long limit) {
		if (!MessageFraming.mayHaveBody(request.getHeaders())) {
			// kept as an empty body (a GET from most clients has no Content-Length), so it can be sent again
			return Mono.just(RequestBody.EMPTY);
		}
		if (length >= 0 && length <= this.properties.replayLimit().toBytes()) {
			return DataBufferUtils.join(request.getBody(), (int) length + 1)
				.map(joined -> RequestBody.kept(bytes(joined)))
				.defaultIfEmpty(RequestBody.EMPTY);
		}
		return Mono.just(RequestBody.streamed(limited(request.getBody(), limit)));
	}

	/**
	 * One attempt: through the region's breaker, signed with {@code credential}. Retries (per
	 * {@link RetryPolicy}) and the 401 refresh call back in with the next attempt number.
	 */
	private Mono<Void> attempt(Call call, RegionalCredential credential, RequestBody body, int attempt) {
		String host = call.target.host().hostName();
		CircuitBreaker breaker = this.guards.breaker(host);
		if (!breaker.tryAcquirePermission()) {
			return Mono.error(ProxyException.regionUnavailable(host, this.guards.waitInOpen()));
		}
		ServerHttpRequest request = call.request;
		HttpMethod method = request.getMethod();
		Duration remaining = Duration.between(this.clock.instant(), call.deadline);
		if (remaining.isNegative() || remaining.isZero()) {
			breaker.releasePermission();
			return Mono.error(ProxyException.upstreamFailed(host, UpstreamFailure.Kind.TIMEOUT));
		}
		Duration firstByte = min(this.resilience.timeouts().firstByteFor(call.key.region()), remaining);
		call.version = credential.version();
		long started = System.nanoTime();
		return this.upstream.exchange(method, host, call.target.pathAndQuery(),
				headers -> {
					HeaderRules.upstreamRequest(request.getHeaders(), host, credential.basicAuthorization(), headers);
					if (call.resource.isPresent()) {
						HeaderRules.acceptJsonOnly(headers);
					}
				},
				body.publisher(call.response.bufferFactory()), firstByte, response -> {
					int status = response.getStatusCode().value();
					record(breaker, started, status);
					if (status == 401) {
						return UpstreamClient.releaseBody(response).then(afterRejection(call, credential, body, attempt));
					}
					if (RetryPolicy.needsBody(status)) {
						return DataBufferUtils.join(response.getBody()).map(SigningProxy::bytes).defaultIfEmpty(new byte[0]).flatMap(bytes -> {
							Optional<Duration> wait = this.retries.afterResponse(method, status, twilioCode(bytes),
									response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER), attempt,
									remaining(call), body.replayable());
							return wait.isPresent() ? retry(call, credential, body, attempt, wait.get())
									: relayWhole(call, response, isJson(response.getHeaders().getContentType()),
											call.response.bufferFactory().wrap(bytes), credential);
						});
					}
					Optional<Duration> wait = this.retries.afterResponse(method, status, Optional.empty(),
							response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER), attempt,
							remaining(call), body.replayable());
					if (wait.isPresent()) {
						return UpstreamClient.releaseBody(response).then(retry(call, credential, body, attempt, wait.get()));
					}
					return relay(call, response, credential);
				})
			.onErrorResume(UpstreamFailure.class, failure -> {
				breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, failure);
				return this.retries.afterFailure(method, failure, attempt, remaining(call), body.replayable())
					.map(wait -> retry(call, credential, body, attempt, wait))
					.orElseGet(() -> Mono.error(ProxyException.upstreamFailed(failure)));
			});
	}

	private Mono<Void> retry(Call call, RegionalCredential credential, RequestBody body, int attempt, Duration wait) {
		return Mono.delay(wait).then(Mono.defer(() -> attempt(call, credential, body, attempt + 1)));
	}

	private Mono<Void> afterRejection(Call call, RegionalCredential rejected, RequestBody body, int attempt) {
		String path = this.layout.displayPath(call.key);
		if (!call.firstRejection()) {
			return Mono.error(ProxyException.storedCredentialRejected(call.key, path, rejected.version()));
		}
		return this.credentials.reloadAfterRejection(call.key, rejected).flatMap(fresh -> {
			if (!fresh.sameAs(rejected) && body.replayable()) {
				return attempt(call, fresh, body, attempt + 1);
			}
			return Mono.error(ProxyException.storedCredentialRejected(call.key, path, rejected.version()));
		});
	}

	private static void record(CircuitBreaker breaker, long started, int status) {
		long elapsed = System.nanoTime() - started;
		if (status >= 500) {
			breaker.onError(elapsed, TimeUnit.NANOSECONDS, new UpstreamStatusException(status));
		}
		else {
			breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
		}
	}

	private Duration remaining(Call call) {
		return Duration.between(this.clock.instant(), call.deadline);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Optional<Integer> twilioCode(byte[] body) {
		try {
			JsonNode code = ERRORS.readTree(body).get("code");
			return (code != null && code.canConvertToInt()) ? Optional.of(code.asInt()) : Optional.empty();
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	private static byte[] bytes(DataBuffer joined) {
		byte[] bytes = new byte[joined.readableByteCount()];
		joined.read(bytes);
		DataBufferUtils.release(joined);
		return bytes;
	}

	/**
	 * Relays a body read whole. It goes out as it came, the buffer itself, unless it holds a
	 * credential the sidecar knows or is JSON that may name a redacted field; then it is rewritten
	 * and its length set again.
	 * @param body released here or by the write
	 */
	private Mono<Void> relayWhole(Call call, ClientHttpResponse response, boolean json, DataBuffer body,
			RegionalCredential credential) {
		ServerHttpResponse out = call.response;
		Redaction.Answer answer = answer(call, credential);
		int length = body.readableByteCount();
		DataBuffer relayed = answer.whole(body, json, out.bufferFactory());
		boolean rewritten = relayed != body;
		out.setStatusCode(response.getStatusCode());
		callerHeaders(call, response, rewritten && json, credential, answer);
		if (rewritten && relayed.readableByteCount() != length) {
			out.getHeaders().setContentLength(relayed.readableByteCount());
		}
		answer.done();
		return out.writeWith(Mono.just(relayed));
	}

	private Redaction.Answer answer(Call call, RegionalCredential credential) {
		return this.redaction.answer(credential, call.request.getMethod().name(), call.target.path(), call.resource);
	}

	private void callerHeaders(Call call, ClientHttpResponse response, boolean lengthChanged,
			RegionalCredential credential, Redaction.Answer answer) {
		HttpHeaders headers = call.response.getHeaders();
		HeaderRules.callerResponse(response.getHeaders(), lengthChanged, credential.version(),
				call.target.host().hostName(), this.properties.products(), headers);
		answer.headers(headers);
	}

	/**
	 * Relays Twilio's answer, checked for secrets ({@link Redaction}): a JSON body of known length up
	 * to the replay limit is read whole and passes unchanged unless it holds something to redact;
	 * any other body streams through the redaction. An answer that cannot be checked is withheld: a
	 * compressed body (the sidecar never asks for compression), or a credential-bearing resource
	 * answered in another representation than JSON.
	 */
	private Mono<Void> relay(Call call, ClientHttpResponse response, RegionalCredential credential) {
		ServerHttpResponse out = call.response;
		String host = call.target.host().hostName();
		HttpHeaders upstreamHeaders = response.getHeaders();
		boolean json = isJson(upstreamHeaders.getContentType());
		boolean mayHaveBody = call.request.getMethod() != HttpMethod.HEAD && response.getStatusCode().value() != 204
				&& response.getStatusCode().value() != 304;
		if (mayHaveBody && !isIdentity(upstreamHeaders.getFirst(HttpHeaders.CONTENT_ENCODING))) {
			return UpstreamClient.releaseBody(response)
				.then(Mono.error(ProxyException.unreadableResponse(host, json ? "compressed JSON" : "compressed")));
		}
		if (mayHaveBody && !json && call.resource.isPresent() && response.getStatusCode().is2xxSuccessful()) {
			return UpstreamClient.releaseBody(response)
				.then(Mono.error(ProxyException.unreadableResponse(host,
						"a resource that carries credentials answered in another representation than JSON")));
		}
		long length = upstreamHeaders.getContentLength();
		if (json && length >= 0 && length <= this.properties.replayLimit().toBytes()) {
			return DataBufferUtils.join(response.getBody(), (int) length + 1)
				.switchIfEmpty(Mono.fromSupplier(() -> out.bufferFactory().allocateBuffer(0)))
				.flatMap(whole -> relayWhole(call, response, true, whole, credential));
		}
		Redaction.Answer answer = answer(call, credential);
		out.setStatusCode(response.getStatusCode());
		callerHeaders(call, response, json, credential, answer);
		return out.writeWith(answer.streamed(response.getBody(), json, out.bufferFactory()));
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

	/** What every attempt of one caller request shares. */
	private static final class Call {

		final ServerHttpRequest request;

		final ServerHttpResponse response;

		final ProxyTarget target;

		final CredentialKey key;

		/** The credential-bearing resource the request names, if any. */
		final Optional<CredentialResources.Resource> resource;

		final Instant deadline;

		/** KV version of the credential last used, for the audit line. */
		volatile long version;

		private boolean rejected;

		Call(ServerHttpRequest request, ServerHttpResponse response, ProxyTarget target, CredentialKey key,
				Optional<CredentialResources.Resource> resource, Instant deadline) {
			this.request = request;
			this.response = response;
			this.target = target;
			this.key = key;
			this.resource = resource;
			this.deadline = deadline;
		}

		/**
		 * @return whether this is the first credential Twilio rejected for this request: the
		 * credential is re-read once per request, so a request is sent again at most once after a 401
		 */
		synchronized boolean firstRejection() {
			boolean first = !this.rejected;
			this.rejected = true;
			return first;
		}

	}

	/** A 5xx answer, recorded as a failure by the region's breaker. */
	private static final class UpstreamStatusException extends RuntimeException {

		UpstreamStatusException(int status) {
			super("Twilio answered " + status, null, false, false);
		}

	}

	/** A request body: kept in memory (small, can be sent twice) or streamed once. */
	private record RequestBody(byte[] bytes, Flux<DataBuffer> stream) {

		/** A request without a body ({@link MessageFraming#mayHaveBody}), which is not read at all. */
		static final RequestBody EMPTY = kept(new byte[0]);

		static RequestBody kept(byte[] bytes) {
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
