package io.github.twiliovaultsidecar.store;

/** What a stored entry holds, and so which name goes in HTTP Basic auth. */
public enum CredentialKind {

	/** {@code auth_token}: Basic auth is {@code AccountSid:AuthToken}. */
	AUTH_TOKEN,

	/** {@code api_key_sid} + {@code api_key_secret}: Basic auth is {@code ApiKeySid:ApiKeySecret}. */
	API_KEY

}
