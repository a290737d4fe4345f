package io.github.twiliovaultsidecar.store;

import java.util.Optional;

import org.springframework.vault.VaultException;
import org.springframework.web.client.HttpStatusCodeException;

/** Turns Spring Vault's exceptions into the store's typed failures. */
final class VaultErrors {

	private VaultErrors() {
	}

	/** @return the HTTP status Vault answered with, empty when Vault was not reached */
	static Optional<Integer> status(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof HttpStatusCodeException http) {
				return Optional.of(http.getStatusCode().value());
			}
		}
		return Optional.empty();
	}

	/**
	 * @param path the Vault path, for the message
	 * @param operation what was attempted, e.g. {@code read}
	 * @param failure what Spring Vault threw
	 * @return the typed store failure
	 */
	static CredentialStoreException translate(String path, String operation, RuntimeException failure) {
		if (failure instanceof CredentialStoreException typed) {
			return typed;
		}
		int status = status(failure).orElse(0);
		if (status == 403) {
			return new CredentialStoreException.AccessDenied(path, operation, failure);
		}
		return new CredentialStoreException.Unavailable(path, operation, failure);
	}

	/** @return a short description of a Vault failure; Vault's error texts carry no secrets */
	static String describe(Throwable failure) {
		if (failure == null) {
			return "unknown error";
		}
		if (failure instanceof VaultException && failure.getMessage() != null) {
			return failure.getMessage();
		}
		return failure.getClass().getSimpleName();
	}

	/** @return whether a write failed because its check-and-set version was stale */
	static boolean isCasMismatch(RuntimeException failure) {
		return status(failure).orElse(0) == 400 && String.valueOf(failure.getMessage()).contains("check-and-set");
	}

}
