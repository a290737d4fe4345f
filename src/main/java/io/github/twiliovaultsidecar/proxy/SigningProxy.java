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

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
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

/**
 * Forwards one caller request to Twilio, signed with the credential stored for the account and the
 * region named by the host. Everything about the request is checked before Vault or Twilio is
 * contacted. Then, within the account's permit and the region's bulkhead, attempts are sent through
 * the region's breaker and before the request's deadline, each followed by what {@link NextStep}
 * decides: relay the answer ({@link Relay}), send again after a wait, or read the credential again
 * after a 401 and send once more with a newer one. The body is kept or streamed ({@link ProxiedBody}).
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

	private final NextStep next;

	private final Clock clock;

	private final CallerAccess access;

	private final AuditLog audit;

	private final Redaction redaction;

	private final Relay relay;

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
		this.next = new NextStep(new RetryPolicy(resilience.retry()));
		this.clock = clock;
		this.relay = new Relay(redaction, properties.products(), properties.replayLimit().toBytes());
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
		Call call = new Call(request, new Relay.Destination(request.getMethod(), target, resource, response), key,
				this.clock.instant().plus(this.resilience.timeouts().totalFor(key.region())));
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
		Mono<ProxiedBody> body = ProxiedBody.of(call.request, length, this.properties.replayLimit().toBytes(), limit);
		return withinBulkhead(call.host(), body.flatMap(kept -> this.credentials.get(call.key)
			.flatMap(credential -> attempt(call, kept, new Try(credential, 1, false)))));
	}

	/**
	 * Writes the audit line for the response to the caller, whatever produced it: its status and
	 * latency are taken when the response starts, the line is written once it was sent.
	 */
	private void auditOnCommit(Call call, String caller, ProxyTiming timing) {
		long started = System.nanoTime();
		ServerHttpResponse response = call.to.out();
		response.beforeCommit(() -> {
			int status = (response.getStatusCode() != null) ? response.getStatusCode().value() : 0;
			long latencyMillis = (System.nanoTime() - started) / 1_000_000;
			long version = call.version;
			timing.afterResponse(() -> this.audit.proxied(caller, call.key.account().value(), call.key.region().code(),
					call.request.getMethod().name(), call.to.target().path(), status, latencyMillis, version,
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

	/**
	 * One attempt: through the region's breaker, before the deadline, signed with the try's
	 * credential; what follows is {@link NextStep}'s decision ({@link #proceed}).
	 */
	private Mono<Void> attempt(Call call, ProxiedBody body, Try current) {
		String host = call.host();
		CircuitBreaker breaker = this.guards.breaker(host);
		if (!breaker.tryAcquirePermission()) {
			return Mono.error(ProxyException.regionUnavailable(host, this.guards.waitInOpen()));
		}
		ServerHttpRequest request = call.request;
		Duration remaining = remaining(call);
		if (remaining.isNegative() || remaining.isZero()) {
			breaker.releasePermission();
			return Mono.error(ProxyException.upstreamFailed(host, UpstreamFailure.Kind.TIMEOUT));
		}
		Duration firstByte = min(this.resilience.timeouts().firstByteFor(call.key.region()), remaining);
		RegionalCredential credential = current.credential();
		call.version = credential.version();
		long started = System.nanoTime();
		return this.upstream.exchange(request.getMethod(), host, call.to.target().pathAndQuery(), headers -> {
			HeaderRules.upstreamRequest(request.getHeaders(), host, credential.basicAuthorization(), headers);
			if (call.to.resource().isPresent()) {
				HeaderRules.acceptJsonOnly(headers);
			}
		}, body.publisher(call.to.out().bufferFactory()), firstByte, response -> {
			int status = response.getStatusCode().value();
			record(breaker, started, status);
			String retryAfter = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
			if (RetryPolicy.needsBody(status)) {
				return DataBufferUtils.join(response.getBody())
					.map(ProxiedBody::bytes)
					.defaultIfEmpty(new byte[0])
					.flatMap(bytes -> {
						NextStep.Decision decision = decide(call, body, current,
								new NextStep.Outcome.Answered(status, twilioCode(bytes), retryAfter));
						return (decision instanceof NextStep.Decision.Relay)
								? this.relay.relayWhole(call.to, response, call.to.out().bufferFactory().wrap(bytes),
										credential)
								: proceed(call, body, current, decision);
					});
			}
			NextStep.Decision decision = decide(call, body, current,
					new NextStep.Outcome.Answered(status, Optional.empty(), retryAfter));
			return (decision instanceof NextStep.Decision.Relay) ? this.relay.relay(call.to, response, credential)
					: UpstreamClient.releaseBody(response).then(proceed(call, body, current, decision));
		}).onErrorResume(UpstreamFailure.class, failure -> {
			breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, failure);
			return proceed(call, body, current, decide(call, body, current, new NextStep.Outcome.Failed(failure)));
		});
	}

	private NextStep.Decision decide(Call call, ProxiedBody body, Try current, NextStep.Outcome outcome) {
		return this.next.after(new NextStep.Attempt(call.request.getMethod(), current.number(), remaining(call),
				body.replayable(), current.rejectedBefore()), outcome);
	}

	/**
	 * Carries out every decision but {@link NextStep.Decision.Relay} (which needs the response at hand):
	 * the next attempt, the re-read of the rejected credential and the resend with a newer one, or the
	 * problem the caller gets ({@link NextStep.Decision.CredentialRejected} names {@code current}'s version).
	 */
	private Mono<Void> proceed(Call call, ProxiedBody body, Try current, NextStep.Decision decision) {
		if (decision instanceof NextStep.Decision.Retry retry) {
			return Mono.delay(retry.delay()).then(Mono.defer(() -> attempt(call, body, current.again())));
		}
		if (decision instanceof NextStep.Decision.Reread) {
			RegionalCredential rejected = current.credential();
			return this.credentials.reloadAfterRejection(call.key, rejected).flatMap(fresh -> {
				NextStep.Decision afterReread = NextStep.afterReread(!fresh.sameAs(rejected), body.replayable());
				return (afterReread instanceof NextStep.Decision.Resend) ? attempt(call, body, current.rejected(fresh))
						: proceed(call, body, current, afterReread);
			});
		}
		if (decision instanceof NextStep.Decision.GiveUp giveUp) {
			return Mono.error(ProxyException.upstreamFailed(giveUp.failure()));
		}
		return Mono.error(ProxyException.storedCredentialRejected(call.key, this.layout.displayPath(call.key),
				current.credential().version()));
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

	/** What every attempt of one caller request shares. */
	private static final class Call {

		final ServerHttpRequest request;

		/** Where Twilio's answer goes. */
		final Relay.Destination to;

		final CredentialKey key;

		final Instant deadline;

		/** KV version of the credential last used, for the audit line. */
		volatile long version;

		Call(ServerHttpRequest request, Relay.Destination to, CredentialKey key, Instant deadline) {
			this.request = request;
			this.to = to;
			this.key = key;
			this.deadline = deadline;
		}

		String host() {
			return this.to.target().host().hostName();
		}

	}

	/**
	 * The next attempt of a request.
	 *
	 * @param credential what it is signed with
	 * @param number 1 for the first attempt
	 * @param rejectedBefore whether Twilio rejected a credential of this request already, which is
	 * then read again no more
	 */
	private record Try(RegionalCredential credential, int number, boolean rejectedBefore) {

		/** @return the next attempt with the same credential */
		Try again() {
			return new Try(this.credential, this.number + 1, this.rejectedBefore);
		}

		/** @return the next attempt after {@link #credential} was rejected and {@code fresh} read instead */
		Try rejected(RegionalCredential fresh) {
			return new Try(fresh, this.number + 1, true);
		}

	}

	/** A 5xx answer, recorded as a failure by the region's breaker. */
	private static final class UpstreamStatusException extends RuntimeException {

		UpstreamStatusException(int status) {
			super("Twilio answered " + status, null, false, false);
		}

	}

}
