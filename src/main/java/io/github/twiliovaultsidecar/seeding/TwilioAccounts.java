package io.github.twiliovaultsidecar.seeding;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpResponse;

import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.upstream.UpstreamClient;
import io.github.twiliovaultsidecar.store.CredentialKind;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Throttling;
import io.github.twiliovaultsidecar.twilio.TwilioHost;

/**
 * The few Twilio calls seeding makes, sent through the {@link UpstreamClient} the proxy uses (same event
 * loops and connection pools, timeouts and upstream override): a harmless read to check a credential, and the Accounts resource
 * to list subaccounts and read their regional Auth Tokens. Only GETs, so a retry could never send
 * anything twice; none is retried.
 */
final class TwilioAccounts {

	/** Twilio's API version path. */
	static final String API_BASE = "/2010-04-01";

	/** Longest wait for Twilio's answer to a verification or listing call. */
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final java.time.Duration VERIFY_TIMEOUT = java.time.Duration.ofSeconds(15);

	private final UpstreamClient upstream;

	private final int pageSize;

	/**
	 * @param upstream the client to Twilio
	 * @param pageSize {@code PageSize} sent when listing accounts
	 */
	TwilioAccounts(UpstreamClient upstream, int pageSize) {
		this.upstream = upstream;
		this.pageSize = pageSize;
	}

	/**
	 * Checks a credential with a read it is allowed: the account itself for an Auth Token, one page of
	 * Messages for an API key (a Standard key may not read the Accounts resource).
	 * @return completes when Twilio accepted the credential
	 * @throws SeedingException (as the Mono's error) 422 when Twilio refused it, 502 when Twilio failed
	 * or answered 429
	 */
	Mono<Void> verify(AccountSid account, TwilioHost host, CredentialInput credential) {
		return check(account, host, credential).flatMap(answer -> {
			if (answer.accepted()) {
				return Mono.<Void>empty();
			}
			if (answer.rejected()) {
				return Mono.error(SeedingException.rejectedByTwilio(account.value(), host.region().code(),
						host.hostName(), answer.status()));
			}
			return Mono.error(SeedingException.twilioFailed(host.hostName(), "Twilio answered " + answer.status()));
		});
	}

	/**
	 * The same read as {@link #verify}, answering with Twilio's status instead of failing on it.
	 * @return Twilio's answer; fails only when Twilio could not be reached ({@link SeedingException}, 502)
	 */
	Mono<CheckAnswer> check(AccountSid account, TwilioHost host, CredentialInput credential) {
		String path = (credential.kind() == CredentialKind.AUTH_TOKEN)
				? API_BASE + "/Accounts/" + account.value() + ".json"
				: API_BASE + "/Accounts/" + account.value() + "/Messages.json?PageSize=1";
		return get(host, path, credential.basicAuthorization()).map(answer -> new CheckAnswer(answer.status(),
				Throttling.retryAfter(answer.retryAfter())));
	}

	/**
	 * @param host the parent's regional host
	 * @param authorization the parent's regional Basic authorization
	 * @return every account the parent sees (itself and its subaccounts), following {@code next_page_uri}
	 * @throws RefusedException (as the Flux's error) when Twilio refused the credential
	 */
	Flux<Account> list(TwilioHost host, String authorization) {
		String first = API_BASE + "/Accounts.json?PageSize=" + this.pageSize;
		return page(host, authorization, first).expand(page -> page.next()
			.map(next -> page(host, authorization, next))
			.orElse(Mono.empty())).flatMapIterable(Page::accounts);
	}

	/**
	 * @return the account as the parent's regional credential sees it, including its regional {@code auth_token}
	 * @throws RefusedException (as the Mono's error) when Twilio refused the credential or does not know the account
	 */
	Mono<Account> fetch(TwilioHost host, String authorization, AccountSid account) {
		return getOk(host, API_BASE + "/Accounts/" + account.value() + ".json", authorization)
			.map(answer -> Account.of(answer.body()));
	}

	private Mono<Page> page(TwilioHost host, String authorization, String pathAndQuery) {
		if (!pathAndQuery.startsWith(API_BASE + "/Accounts.json")) {
			return Mono.error(SeedingException.twilioFailed(host.hostName(), "unexpected next_page_uri"));
		}
		return getOk(host, pathAndQuery, authorization).map(answer -> {
			List<Account> accounts = new ArrayList<>();
			JsonNode list = answer.body().path("accounts");
			list.forEach(node -> accounts.add(Account.of(node)));
			JsonNode next = answer.body().path("next_page_uri");
			return new Page(accounts, (next.isString() && !next.asString().isEmpty()) ? Optional.of(next.asString())
					: Optional.empty());
		});
	}

	/** GET that succeeds with a JSON body, or fails with a {@link RefusedException} for a 4xx. */
	private Mono<Answer> getOk(TwilioHost host, String pathAndQuery, String authorization) {
		return get(host, pathAndQuery, authorization).flatMap(answer -> {
			if (answer.status() / 100 == 2 && answer.body() != null) {
				return Mono.just(answer);
			}
			if (answer.status() / 100 == 4) {
				return Mono.error(new RefusedException(answer.status()));
			}
			return Mono.error(SeedingException.twilioFailed(host.hostName(), "Twilio answered " + answer.status()));
		});
	}

	/** One GET; the body is read only for a 2xx. A transport failure becomes a {@link SeedingException}. */
	private Mono<Answer> get(TwilioHost host, String pathAndQuery, String authorization) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.HOST, host.hostName());
		headers.set(HttpHeaders.AUTHORIZATION, authorization);
		headers.setAccept(List.of(MediaType.APPLICATION_JSON));
		return this.upstream
			.exchange(HttpMethod.GET, host.hostName(), pathAndQuery, out -> out.putAll(headers), Flux.empty(), VERIFY_TIMEOUT,
					(ClientHttpResponse response) -> {
						int status = response.getStatusCode().value();
						String retryAfter = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
						if (status / 100 != 2) {
							return UpstreamClient.releaseBody(response).then(Mono.just(new Answer(status, null, retryAfter)));
						}
						return DataBufferUtils.join(response.getBody())
							.map(body -> new Answer(status, JSON.readTree(body.asInputStream(true)), retryAfter))
							.defaultIfEmpty(new Answer(status, null, retryAfter));
					})
			.onErrorMap(ex -> !(ex instanceof SeedingException), ex -> SeedingException.twilioFailed(host.hostName(),
					(ex instanceof SidecarException) ? "unreachable or timed out" : ex.getClass().getSimpleName()));
	}

	private record Answer(int status, JsonNode body, String retryAfter) {
	}

	/**
	 * Twilio's answer to a credential check.
	 *
	 * @param status the HTTP status
	 * @param retryAfter the wait Twilio asked for with {@code Retry-After}, empty when it asked for none
	 */
	record CheckAnswer(int status, Optional<java.time.Duration> retryAfter) {

		/** @return whether Twilio accepted the credential */
		boolean accepted() {
			return this.status / 100 == 2;
		}

		/** @return whether Twilio asked to slow down (429, e.g. code 20429): nothing was processed */
		boolean throttled() {
			return this.status == Throttling.STATUS;
		}

		/** @return whether Twilio refused the credential (any other 4xx) */
		boolean rejected() {
			return this.status / 100 == 4 && !throttled();
		}

	}

	private record Page(List<Account> accounts, Optional<String> next) {
	}

	/**
	 * An account as Twilio lists it. {@link #toString()} prints no token.
	 *
	 * @param sid the Account SID
	 * @param owner the parent's SID ({@code owner_account_sid}), the SID itself for a main account
	 * @param status {@code active}, {@code suspended} or {@code closed}
	 * @param authToken the regional Auth Token, {@code null} when Twilio sent none
	 */
	record Account(String sid, String owner, String status, String authToken) {

		static Account of(JsonNode node) {
			return new Account(text(node, "sid"), text(node, "owner_account_sid"), text(node, "status"),
					text(node, "auth_token"));
		}

		private static String text(JsonNode node, String field) {
			JsonNode value = node.path(field);
			return value.isString() ? value.asString() : null;
		}

		@Override
		public String toString() {
			return "Account[" + this.sid + " owner=" + this.owner + " status=" + this.status + "]";
		}

	}

	/** Twilio answered a 4xx to an Accounts call: the credential may not read it. */
	static final class RefusedException extends RuntimeException {

		private final int status;

		RefusedException(int status) {
			super("Twilio answered " + status, null, false, false);
			this.status = status;
		}

		int status() {
			return this.status;
		}

	}

}
