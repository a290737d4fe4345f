package io.github.twiliovaultsidecar.store;

import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * Which credential: an account in a region. Its secret path under the mount is
 * {@code <account>/<region>}.
 *
 * @param account the account, not {@code null}
 * @param region the region, not {@code null}
 */
public record CredentialKey(AccountSid account, Region region) {

	public CredentialKey {
		if (account == null || region == null) {
			throw new IllegalArgumentException("account and region are required");
		}
	}

	/**
	 * @return the key for two strings, e.g. path segments
	 * @throws io.github.twiliovaultsidecar.twilio.InvalidTwilioInputException when either does not parse
	 */
	public static CredentialKey of(String account, String region) {
		return new CredentialKey(AccountSid.parse(account), Region.parse(region));
	}

	/** @return {@code <account>/<region>}, the secret path relative to mount and prefix */
	public String relativePath() {
		return this.account.value() + "/" + this.region.code();
	}

	@Override
	public String toString() {
		return relativePath();
	}

}
