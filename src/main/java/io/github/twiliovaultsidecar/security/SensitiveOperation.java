package io.github.twiliovaultsidecar.security;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Twilio operations that mint or change credentials, refused in both modes unless named in
 * {@code sidecar.security.allow-sensitive}: an app sending SMS never needs them, and each one returns
 * or replaces a secret.
 */
public enum SensitiveOperation {

	/** Creating or deleting API keys (a new key's secret is in the response). */
	API_KEYS("api-keys", "POST /2010-04-01/Accounts/*/Keys.json", "POST /2010-04-01/Accounts/*/Keys/*.json",
			"DELETE /2010-04-01/Accounts/*/Keys/*.json", "POST /v1/Keys", "POST /v1/Keys/*", "DELETE /v1/Keys/*"),

	/** Creating or deleting signing keys. */
	SIGNING_KEYS("signing-keys", "POST /2010-04-01/Accounts/*/SigningKeys.json",
			"POST /2010-04-01/Accounts/*/SigningKeys/*.json", "DELETE /2010-04-01/Accounts/*/SigningKeys/*.json"),

	/** Creating, promoting or deleting a secondary Auth Token. */
	SECONDARY_AUTH_TOKEN("secondary-auth-token", "POST /v1/AuthTokens/Secondary", "DELETE /v1/AuthTokens/Secondary",
			"POST /v1/AuthTokens/Promote"),

	/** Creating or updating accounts (a new subaccount's token is in the response). */
	ACCOUNTS("accounts", "POST /2010-04-01/Accounts.json", "POST /2010-04-01/Accounts/*.json");

	/** {@link #values()} once: {@link #of} runs for every proxied request. */
	private static final SensitiveOperation[] ALL = values();

	private final String configName;

	private final List<OperationPattern> patterns;

	SensitiveOperation(String configName, String... patterns) {
		this.configName = configName;
		this.patterns = Arrays.stream(patterns).map(OperationPattern::parse).toList();
	}

	/** @return the name used in {@code sidecar.security.allow-sensitive} */
	public String configName() {
		return this.configName;
	}

	/** @return the sensitive operation a request is, if any */
	static Optional<SensitiveOperation> of(String method, String path) {
		for (SensitiveOperation op : ALL) {
			for (OperationPattern pattern : op.patterns) {
				if (pattern.matches(method, path)) {
					return Optional.of(op);
				}
			}
		}
		return Optional.empty();
	}

	static Optional<SensitiveOperation> byName(String name) {
		return Arrays.stream(values()).filter(op -> op.configName.equals(name)).findFirst();
	}

	static String names() {
		return Arrays.stream(values()).map(SensitiveOperation::configName).collect(Collectors.joining(", "));
	}

}
