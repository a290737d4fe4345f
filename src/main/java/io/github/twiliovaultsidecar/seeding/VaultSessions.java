package io.github.twiliovaultsidecar.seeding;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.vault.VaultException;
import org.springframework.vault.client.VaultEndpointProvider;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.VaultResponse;
import org.springframework.vault.support.VaultToken;
import org.springframework.web.client.HttpStatusCodeException;

import io.github.twiliovaultsidecar.store.CredentialKey;
import io.github.twiliovaultsidecar.store.CredentialStore;
import io.github.twiliovaultsidecar.store.CredentialStoreException;
import io.github.twiliovaultsidecar.store.CredentialWriter;
import io.github.twiliovaultsidecar.store.SeedMetadata;
import io.github.twiliovaultsidecar.store.VaultLayout;

/**
 * Opens Vault sessions with a person's own token, on the same endpoint and HTTP client as the
 * service's session, so that Vault's policies decide what the person may do and Vault's audit log
 * names them. Every call here blocks: run it on a bounded-elastic thread.
 */
final class VaultSessions {

	/** The header a caller sends their Vault token in, as the Vault CLI and API do. */
	static final String TOKEN_HEADER = "X-Vault-Token";

	private static final int MAX_TOKEN_LENGTH = 1024;

	private final VaultEndpointProvider endpoint;

	private final ClientHttpRequestFactory requestFactory;

	private final VaultLayout layout;

	VaultSessions(VaultEndpointProvider endpoint, ClientHttpRequestFactory requestFactory, VaultLayout layout) {
		this.endpoint = endpoint;
		this.requestFactory = requestFactory;
		this.layout = layout;
	}

	VaultLayout layout() {
		return this.layout;
	}

	/**
	 * @param token the caller's Vault token, may be {@code null}
	 * @return a session acting with that token
	 * @throws SeedingException (401) when no token is given
	 */
	Caller forToken(String token) {
		if (token == null || token.isBlank()) {
			throw SeedingException.missingVaultToken();
		}
		if (token.length() > MAX_TOKEN_LENGTH || !token.strip().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
			throw SeedingException.invalidRequest("The " + TOKEN_HEADER + " header does not hold a Vault token");
		}
		VaultToken vaultToken = VaultToken.of(token.strip());
		VaultTemplate template = new VaultTemplate(this.endpoint, this.requestFactory, () -> vaultToken);
		return new Caller(template, CredentialStore.vault(template, this.layout), this.layout);
	}

	/**
	 * Vault as one caller: their token, the store over it, and who the token belongs to.
	 * {@link #toString()} prints no token.
	 */
	static final class Caller {

		private final VaultTemplate vault;

		private final CredentialWriter store;

		private final VaultLayout layout;

		private Caller(VaultTemplate vault, CredentialWriter store, VaultLayout layout) {
			this.vault = vault;
			this.store = store;
			this.layout = layout;
		}

		/** @return the credential store acting with the caller's token */
		CredentialWriter store() {
			return this.store;
		}

		/**
		 * @return the token's display name, from {@code auth/token/lookup-self}
		 * @throws SeedingException 403 when Vault refuses the token, 503 when Vault fails
		 */
		String displayName() {
			VaultResponse response = call("auth/token/lookup-self", "token lookup",
					() -> this.vault.read("auth/token/lookup-self"));
			Object name = (response != null && response.getData() != null) ? response.getData().get("display_name")
					: null;
			return (name instanceof String text && !text.isBlank()) ? text : "unknown";
		}

		/**
		 * @return whether the token may create or update the secret data of {@code key}
		 * ({@link CredentialWriter#mayWrite}), so a refused writer is told before Twilio is called
		 * @throws SeedingException 403 when Vault refuses the check, 503 when Vault fails
		 */
		boolean mayWrite(CredentialKey key) {
			return call(this.layout.displayPath(key), "capabilities check", () -> this.store.mayWrite(key));
		}

		/**
		 * Records that Twilio accepted the stored credential ({@link CredentialWriter#recordVerified}).
		 * @return the seed metadata recorded now
		 * @throws SeedingException 403 when the token may not update the metadata, 503 when Vault fails
		 */
		SeedMetadata recordVerified(CredentialKey key, String verifiedAt, String fingerprint) {
			return call(this.layout.displayPath(key), "write metadata",
					() -> this.store.recordVerified(key, verifiedAt, fingerprint));
		}

		private <T> T call(String path, String operation, Supplier<T> call) {
			try {
				return call.get();
			}
			catch (RuntimeException ex) {
				throw translate(path, operation, ex);
			}
		}

		@Override
		public String toString() {
			return "VaultSessions.Caller[token redacted]";
		}

	}

	/** @return the typed failure for a Vault call that failed with the caller's token */
	static RuntimeException translate(String path, String operation, RuntimeException failure) {
		if (failure instanceof CredentialStoreException.AccessDenied) {
			return SeedingException.vaultDenied(path, operation);
		}
		if (failure instanceof CredentialStoreException.Unavailable && failure.getCause() instanceof RuntimeException cause) {
			return translate(path, operation, cause);
		}
		if (failure instanceof io.github.twiliovaultsidecar.problem.SidecarException) {
			return failure;
		}
		Optional<Integer> status = Optional.empty();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof HttpStatusCodeException http) {
				status = Optional.of(http.getStatusCode().value());
				break;
			}
		}
		if (status.orElse(0) == 403 || status.orElse(0) == 401) {
			return SeedingException.vaultDenied(path, operation);
		}
		String reason = (failure instanceof VaultException && failure.getMessage() != null) ? failure.getMessage()
				: failure.getClass().getSimpleName();
		return SeedingException.vaultFailed(path, operation, reason);
	}

}
