package io.github.twiliovaultsidecar.seeding;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.github.twiliovaultsidecar.audit.AuditLog;
import io.github.twiliovaultsidecar.problem.SidecarException;
import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialKind;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.CredentialStoreException;
import io.github.twiliovaultsidecar.store.CredentialWriter;
import io.github.twiliovaultsidecar.store.EntryMetadata;
import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.store.StoredPath;
import io.github.twiliovaultsidecar.store.VaultLayout;
import io.github.twiliovaultsidecar.store.VerificationMarks;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Edge;
import io.github.twiliovaultsidecar.twilio.Region;
import io.github.twiliovaultsidecar.twilio.TwilioHost;

/**
 * The seeding actions the admin API and the CLI share. Every write to Vault is made with the
 * caller's own Vault token; reading secret data (to verify what is stored, to compare a subaccount
 * token, to check an entry for the inventory) is done with the service's own token, which is the
 * token the proxy reads with. Every action writes one {@link AuditLog} line per path. Vault calls run
 * on the bounded-elastic scheduler; Twilio calls are non-blocking.
 */
final class SeedingService {

	/** Where a credential came from, recorded as custom metadata {@code source}. */
	enum Source {

		ADMIN_API("admin-api"), CLI("cli"), SUBACCOUNT_SYNC("subaccount-sync");

		private final String value;

		Source(String value) {
			this.value = value;
		}

		String value() {
			return this.value;
		}

	}

	private static final String PRODUCT = "api";

	private final VaultSessions sessions;

	private final CredentialStore serviceStore;

	private final TwilioAccounts twilio;

	private final AuditLog audit;

	private final Clock clock;

	private final Duration maxAge;

	private final CredentialVerifier verifier;

	private final VerificationResults verifications;

	SeedingService(VaultSessions sessions, CredentialStore serviceStore, TwilioAccounts twilio, AuditLog audit,
			Clock clock, Duration maxAge, CredentialVerifier verifier, VerificationResults verifications) {
		this.sessions = sessions;
		this.serviceStore = serviceStore;
		this.twilio = twilio;
		this.audit = audit;
		this.clock = clock;
		this.maxAge = maxAge;
		this.verifier = verifier;
		this.verifications = verifications;
	}

	private VaultLayout layout() {
		return this.sessions.layout();
	}

	/**
	 * Checks a credential against the regional API (unless {@code verify} is false), then writes it with
	 * check-and-set. Nothing is written when any check fails.
	 * @param vaultToken the caller's Vault token
	 * @param cas the version the caller expects; when empty, the current version read just before the
	 * write (0 when nothing is stored), so a concurrent writer still makes this write fail
	 * @return what was written
	 * @throws SeedingException (as the Mono's error) 401 without a token, 403 when Vault refuses it, 422
	 * when Twilio refuses the credential, 400 for a region with no known edge and none given
	 * @throws CredentialStoreException.Conflict (as the Mono's error) when {@code cas} is stale
	 */
	Mono<SeedResult> seed(String vaultToken, CredentialKey key, CredentialInput input, boolean verify,
			OptionalLong cas, Source source) {
		String path = layout().displayPath(key);
		return asCaller(vaultToken, "seed", path, input.fingerprint(), acting -> {
			TwilioHost host = TwilioHost.of(PRODUCT, key.region(), input.edge());
			CredentialInput stored = input.withDefaultEdge(host.edge());
			return blocking(() -> {
				if (!acting.caller().mayWrite(key)) {
					throw SeedingException.vaultDenied(path, "write");
				}
				return path;
			}).then(verify ? this.twilio.verify(key.account(), host, stored) : Mono.empty())
				.then(blocking(() -> write(acting, key, stored, verify, cas, source)));
		}, result -> new Audited("written", result.version(), result.fingerprint()));
	}

	private SeedResult write(Acting acting, CredentialKey key, CredentialInput input, boolean verified,
			OptionalLong cas, Source source) {
		CredentialWriter store = acting.caller().store();
		long expected = cas.isPresent() ? cas.getAsLong()
				: store.metadata(key).map(EntryMetadata::currentVersion).orElse(0L);
		SeedMetadata seed = new SeedMetadata(source.value(), acting.who(), verified ? now() : null,
				input.fingerprint());
		long version = store.write(key, input.vaultData(), seed, expected);
		return result(key, input.kind(), input.edge(), version, seed);
	}

	/**
	 * Checks the stored credential (read with the service's token) against the regional API and, when
	 * Twilio accepts it, records {@code verified_at} (and the actual fingerprint) with the caller's token.
	 * @return the checked version
	 * @throws CredentialStoreException.NotFound (as the Mono's error) when nothing is stored
	 * @throws SeedingException (as the Mono's error) 422 when Twilio refuses it; nothing is recorded then
	 */
	Mono<SeedResult> verifyStored(String vaultToken, CredentialKey key) {
		String path = layout().displayPath(key);
		return asCaller(vaultToken, "verify", path, null, acting -> blocking(() -> this.serviceStore.read(key))
			.flatMap(credential -> {
				CredentialInput input = CredentialInput.fromStored(credential);
				TwilioHost host = TwilioHost.of(PRODUCT, key.region(), credential.edge());
				return this.twilio.verify(key.account(), host, input).then(blocking(() -> {
					SeedMetadata seed = acting.caller().recordVerified(key, now(), credential.fingerprint());
					return result(key, credential.kind(), credential.edge(), credential.version(), seed);
				}));
			}), result -> new Audited("verified", result.version(), result.fingerprint()));
	}

	/**
	 * Checks one stored credential now, as the background verification does (read with the service's
	 * token, one attempt, no waiting), and records the outcome the same way. The caller's token must
	 * be allowed to read the entry's metadata, as the inventory needs.
	 * @return the outcome; a credential Twilio rejects is an outcome, not an error
	 * @throws SeedingException (as the Mono's error) 401 without a token, 403 when Vault refuses it
	 * @throws CredentialStoreException.AccessDenied (as the Mono's error) when the caller may not read
	 * the entry's metadata
	 * @throws CredentialStoreException.NotFound (as the Mono's error) when nothing is stored there
	 */
	Mono<VerificationReport> reverify(String vaultToken, CredentialKey key) {
		String path = layout().displayPath(key);
		return asCaller(vaultToken, "verification", path, null, acting -> blocking(
				() -> acting.caller().store().metadata(key).orElseThrow(() -> SeedingException.notStored(path)))
			.flatMap(meta -> this.verifier.check(key, VerificationPacing.immediate(), false))
			.map(verification -> new VerificationReport(path, key.account().value(), key.region().code(),
					verification)),
				report -> new Audited(report.verification().outcome().value(), report.verification().version(), null));
	}

	/**
	 * Lists the parent's subaccounts on a region with the parent's stored regional credential (read
	 * with the service's token), fetches each active one's regional Auth Token and writes it with the
	 * caller's token and check-and-set. A token equal to the stored one is left untouched (no new
	 * version). Suspended and closed subaccounts are skipped; the parent itself is never written.
	 * @param only when present, sync just this subaccount
	 * @return one outcome per subaccount; a failure for one subaccount does not stop the others
	 * @throws SeedingException (as the Mono's error) 422 when Twilio refuses the parent's credential,
	 * saying that an API key cannot list subaccounts unless it is a Main key
	 */
	Mono<SyncReport> syncSubaccounts(String vaultToken, AccountSid parent, Region region, Optional<AccountSid> only) {
		CredentialKey parentKey = new CredentialKey(parent, region);
		String parentPath = layout().displayPath(parentKey);
		return asCaller(vaultToken, "subaccount-sync", parentPath, null, acting -> blocking(
				() -> this.serviceStore.read(parentKey)).flatMap(credential -> {
				TwilioHost host = TwilioHost.of(PRODUCT, region, credential.edge());
				String authorization = credential.basicAuthorization();
				Flux<TwilioAccounts.Account> accounts = only
					.map(sub -> this.twilio.fetch(host, authorization, sub)
						.onErrorResume(TwilioAccounts.RefusedException.class,
								ex -> (ex.status() == 404) ? Mono.just(new TwilioAccounts.Account(sub.value(), null,
										null, null)) : Mono.error(ex))
						.flux())
					.orElseGet(() -> this.twilio.list(host, authorization));
				return accounts
					.onErrorMap(TwilioAccounts.RefusedException.class,
							ex -> SeedingException.parentCredentialCannotSync(parent.value(), region.code(), parentPath,
									credential.kind() == CredentialKind.API_KEY, ex.status()))
					.filter(account -> !parent.value().equals(account.sid()))
					.concatMap(account -> syncOne(acting, parent, host, authorization, account))
					.collectList()
					.map(outcomes -> SyncReport.of(parent.value(), region.code(), outcomes));
			}), report -> new Audited("completed", null, null));
	}

	private Mono<SyncReport.Outcome> syncOne(Acting acting, AccountSid parent,
			TwilioHost host, String authorization, TwilioAccounts.Account listed) {
		if (!AccountSid.isValid(listed.sid())) {
			return Mono.just(new SyncReport.Outcome(String.valueOf(listed.sid()), SyncReport.FAILED, null, null, null,
					"Twilio listed an account whose SID is not an Account SID"));
		}
		AccountSid sub = AccountSid.parse(listed.sid());
		CredentialKey key = new CredentialKey(sub, host.region());
		String path = layout().displayPath(key);
		if (!parent.value().equals(listed.owner())) {
			return Mono.just(failed(sub, path, "not a subaccount of " + parent.value() + " on " + host.hostName()));
		}
		if (!"active".equals(listed.status())) {
			String status = (listed.status() == null) ? "unknown" : listed.status().toLowerCase(Locale.ROOT);
			return Mono.just(new SyncReport.Outcome(sub.value(), SyncReport.SKIPPED + status, path, null, null,
					"the subaccount is " + status));
		}
		return this.twilio.fetch(host, authorization, sub).flatMap(fetched -> {
			if (fetched.authToken() == null || fetched.authToken().isBlank()) {
				return Mono.just(failed(sub, path, "Twilio's answer held no auth_token for the subaccount"));
			}
			CredentialInput input = CredentialInput.fromTwilio(sub, fetched.authToken(), host.edge());
			return blocking(() -> storeSubaccount(acting, key, input));
		})
			.onErrorResume(TwilioAccounts.RefusedException.class,
					ex -> Mono.just(failed(sub, path, "Twilio answered " + ex.status() + " fetching the subaccount")))
			.onErrorResume(SidecarException.class, ex -> Mono.just(failed(sub, path, ex.getMessage())))
			.doOnNext(outcome -> this.audit.admin(acting.who(), "subaccount-sync", path, outcome.outcome(), outcome.version(),
					outcome.fingerprint()));
	}

	private SyncReport.Outcome storeSubaccount(Acting acting, CredentialKey key, CredentialInput input) {
		String path = layout().displayPath(key);
		CredentialWriter store = acting.caller().store();
		Optional<EntryMetadata> meta = store.metadata(key);
		long current = meta.filter(m -> !m.currentDeleted()).map(EntryMetadata::currentVersion).orElse(0L);
		if (current > 0 && isUnchanged(key, input, meta.get())) {
			return new SyncReport.Outcome(key.account().value(), SyncReport.UNCHANGED, path, current,
					input.fingerprint(), null);
		}
		long cas = meta.map(EntryMetadata::currentVersion).orElse(0L);
		long version = store.write(key, input.vaultData(),
				new SeedMetadata(Source.SUBACCOUNT_SYNC.value(), acting.who(), now(), input.fingerprint()), cas);
		return new SyncReport.Outcome(key.account().value(), (cas == 0) ? SyncReport.CREATED : SyncReport.UPDATED,
				path, version, input.fingerprint(), null);
	}

	/**
	 * Compares with what the proxy would read (service token); when the service may not read it,
	 * falls back to the fingerprint recorded in custom metadata.
	 */
	private boolean isUnchanged(CredentialKey key, CredentialInput input, EntryMetadata meta) {
		try {
			RegionalCredential stored = this.serviceStore.read(key);
			return stored.kind() == CredentialKind.AUTH_TOKEN && stored.secret().equals(input.secret())
					&& stored.edge().equals(input.edge());
		}
		catch (CredentialStoreException.NotFound | CredentialStoreException.Malformed ex) {
			return false;
		}
		catch (CredentialStoreException ex) {
			return input.fingerprint().equals(meta.seed().fingerprint());
		}
	}

	/**
	 * Lists every entry under the mount (with the caller's token, so Vault's policy decides who may see
	 * the inventory) and checks each one's data (read with the service's token; only problem sentences
	 * come out).
	 * @param account only entries whose account folder equals this, case-insensitively; empty for all
	 * @param region only entries whose region folder equals this; empty for all
	 * @return the entries, sorted, never holding a secret
	 */
	Mono<Inventory> inventory(String vaultToken, Optional<String> account, Optional<String> region) {
		String mount = layout().displayPath("");
		return asCaller(vaultToken, "inventory", mount, null, acting -> blocking(() -> {
			CredentialWriter store = acting.caller().store();
			List<Inventory.Entry> entries = new ArrayList<>();
			for (StoredPath path : store.list()) {
				if (account.filter(a -> !InventoryRules.fold(a).equals(InventoryRules.fold(path.account())))
					.isPresent() || region.filter(r -> !r.equals(path.region())).isPresent()) {
					continue;
				}
				entries.add(entry(store, path));
			}
			return Inventory.of(mount, entries);
		}), inventory -> new Audited("listed", null, null));
	}

	private Inventory.Entry entry(CredentialWriter store, StoredPath path) {
		Optional<EntryMetadata> meta = store.metadata(path);
		Instant now = this.clock.instant();
		List<String> problems = InventoryRules.problems(path, this.serviceStore.storedData(path), meta, now,
				this.maxAge);
		Map<String, String> custom = meta.map(EntryMetadata::customMetadata).orElse(Map.of());
		SeedMetadata seed = meta.map(EntryMetadata::seed).orElse(SeedMetadata.NONE);
		Optional<Instant> written = meta.flatMap(m -> m.updatedTime().or(m::createdTime));
		return new Inventory.Entry(layout().displayPath(path.relativePath()), path.account(), path.region(),
				meta.map(EntryMetadata::currentVersion).orElse(0L),
				meta.flatMap(EntryMetadata::createdTime).map(Instant::toString).orElse(null),
				meta.flatMap(EntryMetadata::updatedTime).map(Instant::toString).orElse(null),
				written.map(at -> Duration.between(at, now).toDays()).orElse(null),
				seed.source(), seed.seededBy(), seed.verifiedAt(), seed.fingerprint(), problems,
				lastVerification(layout().displayPath(path.relativePath()), custom).orElse(null));
	}

	/** @return the newer of this instance's last check and the one recorded in custom metadata */
	private Optional<Verification> lastVerification(String path, Map<String, String> custom) {
		Optional<Verification> recorded = Optional.ofNullable(custom.get(VerificationMarks.META_OUTCOME))
			.flatMap(outcome -> java.util.Arrays.stream(Verification.Outcome.values())
				.filter(o -> o.value().equals(outcome))
				.findFirst())
			.flatMap(outcome -> instant(custom.get(VerificationMarks.META_CHECKED_AT))
				.map(at -> Verification.of(outcome, at, null, null)));
		Optional<Verification> seen = this.verifications.last(path);
		if (seen.isPresent() && recorded.isPresent()) {
			return seen.get().instant().isBefore(recorded.get().instant()) ? recorded : seen;
		}
		return seen.or(() -> recorded);
	}

	private static Optional<Instant> instant(String text) {
		try {
			return Optional.ofNullable(text).map(Instant::parse);
		}
		catch (java.time.format.DateTimeParseException ex) {
			return Optional.empty();
		}
	}

	private SeedResult result(CredentialKey key, CredentialKind kind, Optional<Edge> edge, long version,
			SeedMetadata seed) {
		return new SeedResult(layout().displayPath(key), key.account().value(), key.region().code(),
				kind.name().toLowerCase(Locale.ROOT), edge.map(Object::toString).orElse(null), version,
				seed.fingerprint(), seed.verifiedAt() != null, seed.verifiedAt(), seed.source(), seed.seededBy());
	}

	private static SyncReport.Outcome failed(AccountSid sub, String path, String reason) {
		return new SyncReport.Outcome(sub.value(), SyncReport.FAILED, path, null, null, reason);
	}

	private String now() {
		return this.clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
	}

	/**
	 * Runs one admin action as the caller of {@code vaultToken} and writes its audit line: named after
	 * the token's display name ({@code unknown} until Vault told it), with the outcome {@code success}
	 * gives, or the problem type of the failure.
	 * @param failedFingerprint the fingerprint the audit line of a failure names, {@code null} for none
	 * @throws SeedingException (as the Mono's error) 401 without a token, 403 when Vault refuses it
	 */
	private <T> Mono<T> asCaller(String vaultToken, String action, String path, String failedFingerprint,
			Function<Acting, Mono<T>> work, Function<T, Audited> success) {
		AtomicReference<String> who = new AtomicReference<>("unknown");
		return Mono.defer(() -> {
			VaultSessions.Caller caller = this.sessions.forToken(vaultToken);
			return blocking(caller::displayName).flatMap(name -> {
				who.set(name);
				return work.apply(new Acting(caller, name));
			});
		}).doOnSuccess(result -> {
			Audited audited = success.apply(result);
			this.audit.admin(who.get(), action, path, audited.outcome(), audited.version(), audited.fingerprint());
		}).doOnError(ex -> this.audit.admin(who.get(), action, path, outcome(ex), null, failedFingerprint));
	}

	/** The caller of one action: their Vault session and display name. */
	private record Acting(VaultSessions.Caller caller, String who) {
	}

	/** What the audit line of a successful action says: the outcome, and the version and fingerprint it concerns. */
	private record Audited(String outcome, Long version, String fingerprint) {
	}

	private static String outcome(Throwable failure) {
		return (failure instanceof SidecarException sidecar) ? sidecar.problem() : "error";
	}

	private static <T> Mono<T> blocking(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
	}

}
