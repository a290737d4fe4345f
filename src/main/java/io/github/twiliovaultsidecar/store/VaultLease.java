package io.github.twiliovaultsidecar.store;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.support.VaultResponse;

/**
 * A lease held in one KV v2 entry, so that of several replicas sharing a Vault only one does a piece
 * of work at a time, and all of them know when it is next due. The entry sits directly under the mount
 * and prefix ({@code <mount>/data/<prefix><name>}), one level above the {@code <account>/<region>}
 * credentials, so listing credentials never sees it. It holds no secret: the holder's name, when the
 * lease expires, and when the work is next due. Every write is check-and-set on the version read, so
 * two replicas cannot both take it.
 */
public final class VaultLease {

	/** Data keys of the lease entry: a contract with whoever reads the entry in the Vault UI. */
	static final String OWNER = "owner";

	static final String EXPIRES_AT = "expires_at";

	static final String NEXT_RUN_AT = "next_run_at";

	private final VaultOperations vault;

	private final VaultLayout layout;

	private final String name;

	/**
	 * @param vault Vault with the service's own token
	 * @param layout mount and prefix
	 * @param name the entry's name: one path segment, not an Account SID
	 * @throws IllegalArgumentException when {@code name} is empty or holds a {@code /}
	 */
	public VaultLease(VaultOperations vault, VaultLayout layout, String name) {
		if (name == null || name.isBlank() || name.contains("/")) {
			throw new IllegalArgumentException("a lease name is one path segment, got '" + name + "'");
		}
		this.vault = vault;
		this.layout = layout;
		this.name = name;
	}

	/** @return the entry as people see it in the Vault UI, e.g. {@code twilio/sidecar-verification-lease} */
	public String displayPath() {
		return this.layout.displayPath(this.name);
	}

	/**
	 * @return the lease as stored now; {@link State#FREE} (version 0) when the entry does not exist, and
	 * a free state at the entry's version when its latest version is deleted or unreadable as a lease
	 * @throws CredentialStoreException.AccessDenied when the service's policy may not read it
	 * @throws CredentialStoreException.Unavailable when Vault fails
	 */
	public State read() {
		VaultResponse response;
		try {
			response = this.vault.read(this.layout.dataPath(this.name));
		}
		catch (RuntimeException ex) {
			throw VaultErrors.translate(displayPath(), "read lease", ex);
		}
		Map<String, Object> body = (response != null) ? response.getData() : null;
		if (body == null || !(body.get("metadata") instanceof Map<?, ?> meta)) {
			return State.FREE;
		}
		long version = (meta.get("version") instanceof Number n) ? n.longValue() : 0L;
		if (!(body.get("data") instanceof Map<?, ?> data)) {
			return new State(version, "", Instant.EPOCH, Optional.empty());
		}
		return new State(version, text(data.get(OWNER)).orElse(""), instant(data.get(EXPIRES_AT)).orElse(Instant.EPOCH),
				instant(data.get(NEXT_RUN_AT)));
	}

	/**
	 * Writes the lease if nobody wrote it since {@code seen} was read.
	 * @param seen the state read before, whose version is the check-and-set version
	 * @return the state written (with its new version), empty when another writer came first
	 * @throws CredentialStoreException.AccessDenied when the service's policy may not write it
	 * @throws CredentialStoreException.Unavailable when Vault fails
	 */
	public Optional<State> write(State seen, String owner, Instant expiresAt, Optional<Instant> nextRunAt) {
		Map<String, String> data = new LinkedHashMap<>();
		data.put(OWNER, owner);
		data.put(EXPIRES_AT, expiresAt.toString());
		nextRunAt.ifPresent(at -> data.put(NEXT_RUN_AT, at.toString()));
		VaultResponse response;
		try {
			response = this.vault.write(this.layout.dataPath(this.name),
					Map.of("data", data, "options", Map.of("cas", seen.version())));
		}
		catch (RuntimeException ex) {
			if (VaultErrors.isCasMismatch(ex)) {
				return Optional.empty();
			}
			throw VaultErrors.translate(displayPath(), "write lease", ex);
		}
		long version = (response != null && response.getData() != null
				&& response.getData().get("version") instanceof Number n) ? n.longValue() : seen.version() + 1;
		return Optional.of(new State(version, owner, expiresAt, nextRunAt));
	}

	private static Optional<String> text(Object value) {
		return (value instanceof String text) ? Optional.of(text) : Optional.empty();
	}

	private static Optional<Instant> instant(Object value) {
		try {
			return text(value).filter(text -> !text.isEmpty()).map(Instant::parse);
		}
		catch (DateTimeParseException ex) {
			return Optional.empty();
		}
	}

	@Override
	public String toString() {
		return "VaultLease[" + displayPath() + "]";
	}

	/**
	 * The lease as stored.
	 *
	 * @param version the entry's KV version, 0 when it does not exist
	 * @param owner who holds it, empty when nobody does
	 * @param expiresAt until when the owner holds it
	 * @param nextRunAt when the work is next due, empty when it is due now
	 */
	public record State(long version, String owner, Instant expiresAt, Optional<Instant> nextRunAt) {

		/** No entry yet: nobody holds it, and the work is due. */
		public static final State FREE = new State(0, "", Instant.EPOCH, Optional.empty());

		/** @return whether someone other than {@code me} holds it at {@code now} */
		public boolean heldByOtherThan(String me, Instant now) {
			return !this.owner.isEmpty() && !this.owner.equals(me) && this.expiresAt.isAfter(now);
		}

	}

}
