package io.github.twiliovaultsidecar.store;

import java.util.List;
import java.util.Map;

import io.github.twiliovaultsidecar.SidecarException;

/**
 * A failure of the credential store. Subclasses are created through the static factories, which add
 * the Vault path and never a secret.
 */
public abstract class CredentialStoreException extends SidecarException {

	CredentialStoreException(String message, Map<String, ?> context, Throwable cause) {
		super(message, context, cause);
	}

	/** No credential is stored at the path, or its latest version is deleted or destroyed. */
	public static final class NotFound extends CredentialStoreException {

		NotFound(String path) {
			super("No Twilio credential is stored at " + path, Map.of("path", path), null);
		}

		@Override
		public String problem() {
			return "credential-not-found";
		}

		@Override
		public int status() {
			return 404;
		}

		@Override
		public String title() {
			return "Credential not found";
		}

	}

	/** What is stored at the path cannot be used: wrong key names, empty values, bad SIDs... */
	public static final class Malformed extends CredentialStoreException {

		private final List<String> problems;

		Malformed(String path, List<String> problems) {
			super("The entry at " + path + " is malformed: " + String.join("; ", problems),
					Map.of("path", path, "problems", problems), null);
			this.problems = List.copyOf(problems);
		}

		/** @return one human sentence per problem, naming keys but never values */
		public List<String> problems() {
			return this.problems;
		}

		@Override
		public String problem() {
			return "credential-malformed";
		}

		@Override
		public int status() {
			return 500;
		}

		@Override
		public String title() {
			return "Stored credential is malformed";
		}

	}

	/** A check-and-set write lost: someone else wrote the path since the version the writer knew. */
	public static final class Conflict extends CredentialStoreException {

		Conflict(String path, long expectedVersion) {
			super("Check-and-set failed at " + path + ": the current version is not " + expectedVersion,
					Map.of("path", path, "cas", expectedVersion), null);
		}

		@Override
		public String problem() {
			return "credential-version-conflict";
		}

		@Override
		public int status() {
			return 409;
		}

		@Override
		public String title() {
			return "Credential version conflict";
		}

	}

	/** Vault refused the token used for the call (its policy lacks the capability). */
	public static final class AccessDenied extends CredentialStoreException {

		AccessDenied(String path, String operation, Throwable cause) {
			super("Vault denied " + operation + " on " + path, Map.of("path", path), cause);
		}

		@Override
		public String problem() {
			return "vault-permission-denied";
		}

		@Override
		public int status() {
			return 403;
		}

		@Override
		public String title() {
			return "Vault denied the operation";
		}

	}

	/** Vault could not be reached or answered with an error. */
	public static final class Unavailable extends CredentialStoreException {

		Unavailable(String path, String operation, Throwable cause) {
			super("Vault failed " + operation + " on " + path + ": " + VaultErrors.describe(cause),
					Map.of("path", path), cause);
		}

		@Override
		public String problem() {
			return "vault-unavailable";
		}

		@Override
		public int status() {
			return 503;
		}

		@Override
		public String title() {
			return "Vault unavailable";
		}

	}

}
