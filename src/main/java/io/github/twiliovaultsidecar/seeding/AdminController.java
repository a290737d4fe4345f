package io.github.twiliovaultsidecar.seeding;

import java.util.Optional;
import java.util.OptionalLong;

import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * The admin API under {@value #BASE}. Every action acts with the caller's Vault token from
 * {@code X-Vault-Token}; every error is a problem detail; no response ever holds a secret. Request
 * bodies are read as text and parsed strictly here, so a decoding error can never echo a value.
 */
@RestController
@RequestMapping(path = AdminController.BASE, produces = MediaType.APPLICATION_JSON_VALUE)
class AdminController {

	static final String BASE = "/admin/v1";

	private final SeedingService seeding;

	private final InventoryShapes shapes;

	AdminController(SeedingService seeding, InventoryShapes shapes) {
		this.seeding = seeding;
		this.shapes = shapes;
	}

	/**
	 * Verifies and stores a credential. {@code ?cas=N} writes only when N is the current version;
	 * without it the current version is read just before the write (0 when nothing is stored).
	 * {@code ?verify=false} skips the live check (recorded as {@code verified=false}). A body that is not
	 * {@code application/json} is refused with 415 before anything else.
	 */
	@PutMapping(path = "/credentials/{account}/{region}", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<SeedResult> seed(@PathVariable String account, @PathVariable String region,
			@RequestHeader(name = VaultSessions.TOKEN_HEADER, required = false) String vaultToken,
			@RequestParam(required = false) String cas, @RequestParam(required = false) String verify,
			@RequestBody(required = false) String body) {
		return Mono.defer(() -> {
			CredentialKey key = CredentialKey.of(account, region);
			OptionalLong expected = parseCas(cas);
			boolean live = parseVerify(verify);
			CredentialInput input = SeedBody.parse(body).toInput(key.account());
			return this.seeding.seed(vaultToken, key, input, live, expected, SeedingService.Source.ADMIN_API);
		});
	}

	/** Checks what is stored against Twilio and records {@code verified_at}. */
	@PostMapping(path = "/credentials/{account}/{region}/verify")
	Mono<SeedResult> verify(@PathVariable String account, @PathVariable String region,
			@RequestHeader(name = VaultSessions.TOKEN_HEADER, required = false) String vaultToken) {
		return Mono.defer(() -> this.seeding.verifyStored(vaultToken, CredentialKey.of(account, region)));
	}

	/**
	 * Checks the stored credential against Twilio now, as the background verification does, and
	 * answers with the outcome (200 also when Twilio rejects it: the outcome says so).
	 */
	@PostMapping(path = "/credentials/{account}/{region}/verification")
	Mono<VerificationReport> reverify(@PathVariable String account, @PathVariable String region,
			@RequestHeader(name = VaultSessions.TOKEN_HEADER, required = false) String vaultToken) {
		return Mono.defer(() -> this.seeding.reverify(vaultToken, CredentialKey.of(account, region)));
	}

	/**
	 * The inventory, optionally filtered by {@code ?account=} and {@code ?region=}, with each entry's
	 * kind and edge.
	 */
	@GetMapping(path = "/credentials")
	Mono<Inventory> inventory(@RequestHeader(name = VaultSessions.TOKEN_HEADER, required = false) String vaultToken,
			@RequestParam(required = false) String account, @RequestParam(required = false) String region) {
		return Mono.defer(() -> this.seeding.inventory(vaultToken, Optional.ofNullable(account).filter(a -> !a.isBlank()),
				Optional.ofNullable(region).filter(r -> !r.isBlank()))).flatMap(this.shapes::add);
	}

	/** Fetches and stores the regional tokens of the parent's subaccounts ({@code ?subaccount=} for one). */
	@PostMapping(path = "/accounts/{parent}/regions/{region}/subaccounts/sync")
	Mono<SyncReport> sync(@PathVariable String parent, @PathVariable String region,
			@RequestHeader(name = VaultSessions.TOKEN_HEADER, required = false) String vaultToken,
			@RequestParam(required = false) String subaccount) {
		return Mono.defer(() -> this.seeding.syncSubaccounts(vaultToken, AccountSid.parse(parent), Region.parse(region),
				Optional.ofNullable(subaccount).map(AccountSid::parse)));
	}

	/**
	 * @param cas {@code ?cas=} as given, may be {@code null}
	 * @return the version, empty when not given
	 * @throws SeedingException (400) when it is not a non-negative whole number
	 */
	static OptionalLong parseCas(String cas) {
		if (cas == null) {
			return OptionalLong.empty();
		}
		if (!cas.matches("[0-9]{1,18}")) {
			throw SeedingException.invalidRequest("?cas= must be a KV version number (0 to create only)");
		}
		return OptionalLong.of(Long.parseLong(cas));
	}

	/**
	 * @param verify {@code ?verify=} as given, may be {@code null}
	 * @return false only for {@code false}
	 * @throws SeedingException (400) for anything but {@code true} or {@code false}
	 */
	static boolean parseVerify(String verify) {
		if (verify == null || verify.equals("true")) {
			return true;
		}
		if (verify.equals("false")) {
			return false;
		}
		throw SeedingException.invalidRequest("?verify= must be true or false");
	}

}
