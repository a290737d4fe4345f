package io.github.twiliovaultsidecar.seeding;

import java.util.Map;

import io.github.twiliovaultsidecar.problem.SidecarException;

/**
 * A failure of a seeding action reported by the sidecar itself. Created through factories that add
 * the account, region or path, never a secret. {@link #exitCode()} is what the CLI exits with.
 */
public final class SeedingException extends SidecarException {

	/** CLI exit code for input that is not valid. */
	public static final int EXIT_INVALID_INPUT = 2;

	/** CLI exit code for a credential Twilio did not accept. */
	public static final int EXIT_VERIFICATION_FAILED = 3;

	/** CLI exit code for Vault refusing the caller's token. */
	public static final int EXIT_VAULT_DENIED = 4;

	/** CLI exit code for a check-and-set conflict. */
	public static final int EXIT_CONFLICT = 5;

	/** CLI exit code for anything else (Vault or Twilio unreachable...). */
	public static final int EXIT_OTHER = 1;

	private SeedingException(String problem, int status, String title, String message, Map<String, ?> context) {
		super(problem, status, title, message, context, null);
	}

	static SeedingException missingVaultToken() {
		return new SeedingException("vault-token-missing", 401, "Vault token required",
				"Admin actions are performed with your own Vault token: send it in the X-Vault-Token header", Map.of());
	}

	static SeedingException missingVaultTokenForCli() {
		return new SeedingException("vault-token-missing", 401, "Vault token required",
				"VAULT_TOKEN is not set: the CLI writes with your own Vault token (run 'vault login' or export it)",
				Map.of());
	}

	static SeedingException invalidRequest(String reason) {
		return new SeedingException("invalid-seed-request", 400, "Invalid seed request", reason, Map.of());
	}

	static SeedingException invalidCredential(String reason) {
		return new SeedingException("invalid-credential", 422, "Credential not acceptable", reason, Map.of());
	}

	static SeedingException rejectedByTwilio(String account, String region, String host, int twilioStatus) {
		return new SeedingException("credential-rejected-by-twilio", 422, "Twilio rejected the credential",
				"Twilio answered " + twilioStatus + " on " + host + " for account " + account + " in region " + region
						+ ": the credential is not valid for this region (each region has its own Auth Token); "
						+ "nothing was written",
				Map.of("account", account, "region", region, "host", host, "twilio_status", twilioStatus));
	}

	static SeedingException parentCredentialCannotSync(String parent, String region, String path, boolean apiKey,
			int twilioStatus) {
		String hint = apiKey
				? "the stored credential at " + path + " is an API key; subaccount sync needs the parent's Auth Token "
						+ "or a Main API key (a Standard key may not read Accounts)"
				: "the parent's Auth Token stored at " + path + " was refused; reseed it";
		return new SeedingException("subaccount-sync-refused", 422, "Twilio refused the parent credential",
				"Twilio answered " + twilioStatus + " listing the subaccounts of " + parent + " in " + region + ": "
						+ hint,
				Map.of("account", parent, "region", region, "path", path, "twilio_status", twilioStatus));
	}

	static SeedingException notStored(String path) {
		return new SeedingException("credential-not-found", 404, "Credential not found",
				"No Twilio credential is stored at " + path, Map.of("path", path));
	}

	static SeedingException vaultDenied(String path, String operation) {
		return new SeedingException("vault-permission-denied", 403, "Vault denied the operation",
				"Vault denied " + operation + " on " + path + " to your token: its policy lacks the capability",
				Map.of("path", path));
	}

	static SeedingException vaultFailed(String path, String operation, String reason) {
		return new SeedingException("vault-unavailable", 503, "Vault unavailable",
				"Vault failed " + operation + " on " + path + ": " + reason, Map.of("path", path));
	}

	static SeedingException twilioFailed(String host, String reason) {
		return new SeedingException("twilio-unavailable", 502, "Twilio unreachable",
				"The request to " + host + " failed: " + reason + "; nothing was written", Map.of("host", host));
	}


	/**
	 * @param failure any failure of a seeding action
	 * @return the CLI exit code: {@value #EXIT_INVALID_INPUT} for invalid input,
	 * {@value #EXIT_VERIFICATION_FAILED} for a credential Twilio refused, {@value #EXIT_VAULT_DENIED} when Vault
	 * refused the token, {@value #EXIT_CONFLICT} for a check-and-set conflict, {@value #EXIT_OTHER} otherwise
	 */
	public static int exitCode(Throwable failure) {
		if (failure instanceof SidecarException sidecar) {
			int status = sidecar.status();
			if (sidecar.problem().equals("credential-rejected-by-twilio")
					|| sidecar.problem().equals("subaccount-sync-refused")) {
				return EXIT_VERIFICATION_FAILED;
			}
			if (status == 401 || status == 403) {
				return EXIT_VAULT_DENIED;
			}
			if (status == 409) {
				return EXIT_CONFLICT;
			}
			if (status == 400 || status == 422) {
				return EXIT_INVALID_INPUT;
			}
		}
		return EXIT_OTHER;
	}

}
