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

import io.github.twiliovaultsidecar.store.StoredPath;
import io.github.twiliovaultsidecar.store.VaultCredentialStore;
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
		return new Caller(template, new VaultCredentialStore(template, this.layout), this.layout);
	}

	/**
	 * Vault as one caller: their token, the store over it, and the two reads seeding needs besides.
	 * {@link #toString()} prints no token.
	 */
	static final class Caller {

		private final VaultTemplate vault;

		private final VaultCredentialStore store;

		private final VaultLayout layout;

		private Caller(VaultTemplate vault, VaultCredentialStore store, VaultLayout layout) {
			this.vault = vault;
			this.store = store;
			this.layout = layout;
		}

		/** @return the credential store acting with the caller's token */
		VaultCredentialStore store() {
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
		 * @param relativePath {@code <account>/<region>}
		 * @return whether the token may create or update the secret data at the path, per
		 * {@code sys/capabilities-self} (so a refused writer is told before Twilio is called)
		 */
		boolean mayWrite(String relativePath) {
			String path = this.layout.dataPath(relativePath);
			VaultResponse response = call(path, "capabilities check",
					() -> this.vault.write("sys/capabilities-self", Map.of("paths", List.of(path))));
			Object capabilities = (response != null && response.getData() != null) ? response.getData().get(path)
					: null;
			if (!(capabilities instanceof List<?> list)) {
				return true;
			}
			return list.contains("root") || list.contains("create") || list.contains("update");
		}

		/**
		 * Replaces the entry's custom metadata (the whole map, as Vault does).
		 * @throws SeedingException 403 when the token may not update the metadata
		 */
		void writeCustomMetadata(StoredPath path, Map<String, String> customMetadata) {
			String metadataPath = this.layout.metadataPath(path.relativePath());
			call(this.layout.displayPath(path.relativePath()), "write metadata",
					() -> this.vault.write(metadataPath, Map.of("custom_metadata", customMetadata)));
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
		if (failure instanceof io.github.twiliovaultsidecar.SidecarException) {
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
