package io.github.twiliovaultsidecar.store;

import java.util.Optional;

import io.github.twiliovaultsidecar.twilio.Secret;

/** Regional credentials built in memory, for unit tests of the features that use them. */
public final class TestCredentials {

	private TestCredentials() {
	}

	/** @return an Auth Token credential of {@code account} for {@code region}, version 1 */
	public static RegionalCredential authToken(String account, String region, String token) {
		return new RegionalCredential(CredentialKey.of(account, region), CredentialKind.AUTH_TOKEN, account,
				Secret.of(token), Optional.empty(), 1);
	}

	/** @return an API key credential of {@code account} for {@code region}, version 1 */
	public static RegionalCredential apiKey(String account, String region, String keySid, String secret) {
		return new RegionalCredential(CredentialKey.of(account, region), CredentialKind.API_KEY, keySid,
				Secret.of(secret), Optional.empty(), 1);
	}

}
