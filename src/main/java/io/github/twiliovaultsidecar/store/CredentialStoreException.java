package io.github.twiliovaultsidecar.store;

import java.util.List;
import java.util.Map;

import io.github.twiliovaultsidecar.problem.SidecarException;

/**
 * A failure of the credential store. Subclasses are created through the static factories, which add
 * the Vault path and never a secret.
 */
public abstract class CredentialStoreException extends SidecarException {

	CredentialStoreException(String problem, int status, String title, String message, Map<String, ?> context,
			Throwable cause) {
		super(problem, status, title, message, context, cause);
	}

	/** No credential is stored at the path, or its latest version is deleted or destroyed. */
	public static final class NotFound extends CredentialStoreException {

		NotFound(String path) {
			super("credential-not-found", 404, "Credential not found", "No Twilio credential is stored at " + path,
					Map.of("path", path), null);
		}

	}

	/** What is stored at the path cannot be used: wrong key names, empty values, bad SIDs... */
	public static final class Malformed extends CredentialStoreException {

		private final List<String> problems;

		Malformed(String path, List<String> problems) {
			super("credential-malformed", 500, "Stored credential is malformed",
					"The entry at " + path + " is malformed: " + String.join("; ", problems),
					Map.of("path", path, "problems", problems), null);
			this.problems = List.copyOf(problems);
		}

		/** @return one human sentence per problem, naming keys but never values */
		public List<String> problems() {
			return this.problems;
		}

	}

	/** A check-and-set write lost: someone else wrote the path since the version the writer knew. */
	public static final class Conflict extends CredentialStoreException {

		Conflict(String path, long expectedVersion) {
			super("credential-version-conflict", 409, "Credential version conflict",
					"Check-and-set failed at " + path + ": the current version is not " + expectedVersion,
					Map.of("path", path, "cas", expectedVersion), null);
		}

	}

	/** Vault refused the token used for the call (its policy lacks the capability). */
	public static final class AccessDenied extends CredentialStoreException {

		AccessDenied(String path, String operation, Throwable cause) {
			super("vault-permission-denied", 403, "Vault denied the operation", "Vault denied " + operation + " on " + path,
					Map.of("path", path), cause);
		}

	}

	/** Vault could not be reached or answered with an error. */
	public static final class Unavailable extends CredentialStoreException {

		Unavailable(String path, String operation, Throwable cause) {
			super("vault-unavailable", 503, "Vault unavailable",
					"Vault failed " + operation + " on " + path + ": " + VaultErrors.describe(cause),
					Map.of("path", path), cause);
		}

	}

}
