package io.github.twiliovaultsidecar.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import io.github.twiliovaultsidecar.twilio.AccountSid;

/**
 * Which account a proxied request is for, from the first of: the path ({@code /Accounts/{Sid}/…} or
 * {@code /Accounts/{Sid}.json}), the user name of the caller's {@code Authorization: Basic} header
 * when it is an Account SID (the password is ignored), the {@code X-Twilio-Account-Sid} header, the
 * configured default. Any two sources that disagree are an error. Pure functions.
 */
final class AccountResolution {

	/** Header a caller may use to name the account when neither path nor Basic auth does. */
	static final String ACCOUNT_HEADER = "X-Twilio-Account-Sid";

	private static final String ACCOUNTS = "/Accounts/";

	private static final String JSON = ".json";

	private AccountResolution() {
	}

	/**
	 * @param path the raw request path (after the host)
	 * @param authorization the caller's {@code Authorization} header, may be {@code null}
	 * @param accountHeader the caller's {@code X-Twilio-Account-Sid}, may be {@code null}
	 * @param defaultAccount the configured default, may be {@code null}
	 * @return the account
	 * @throws ProxyException when sources disagree or none names an account
	 * @throws io.github.twiliovaultsidecar.twilio.InvalidTwilioInputException for a malformed SID in any source
	 */
	static AccountSid resolve(String path, String authorization, String accountHeader, String defaultAccount) {
		Source chosen = null;
		for (Source candidate : new Source[] { fromPath(path), fromBasic(authorization), fromHeader(accountHeader) }) {
			if (candidate == null) {
				continue;
			}
			if (chosen == null) {
				chosen = candidate;
			}
			else if (!chosen.account.equals(candidate.account)) {
				throw ProxyException.accountConflict(chosen.account.value(), chosen.name, candidate.account.value(),
						candidate.name);
			}
		}
		if (chosen != null) {
			return chosen.account;
		}
		if (defaultAccount != null) {
			return AccountSid.parse(defaultAccount);
		}
		throw ProxyException.noAccount();
	}

	private static Source fromPath(String path) {
		String account = pathAccount(path);
		return (account != null) ? new Source("path", AccountSid.parse(account)) : null;
	}

	/**
	 * @return the first non-empty path segment after {@code /Accounts/}, without one {@code .json}
	 * ending ({@code /Accounts/AC1.json} names {@code AC1}); {@code null} when there is none
	 */
	static String pathAccount(String path) {
		for (int at = path.indexOf(ACCOUNTS); at >= 0; at = path.indexOf(ACCOUNTS, at + 1)) {
			int start = at + ACCOUNTS.length();
			int end = path.indexOf('/', start);
			end = (end < 0) ? path.length() : end;
			if (end > start) {
				boolean json = end - start > JSON.length() && path.startsWith(JSON, end - JSON.length());
				return path.substring(start, json ? end - JSON.length() : end);
			}
		}
		return null;
	}

	private static Source fromBasic(String authorization) {
		return basicUsername(authorization).filter(name -> name.startsWith("AC"))
			.map(name -> new Source("basic_username", AccountSid.parse(name)))
			.orElse(null);
	}

	private static Source fromHeader(String header) {
		return (header != null) ? new Source("header", AccountSid.parse(header.strip())) : null;
	}

	/** @return the user name of a Basic {@code Authorization} header; the password is discarded */
	static Optional<String> basicUsername(String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			return Optional.empty();
		}
		try {
			String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
					StandardCharsets.UTF_8);
			int colon = decoded.indexOf(':');
			String name = (colon < 0) ? decoded : decoded.substring(0, colon);
			return name.isEmpty() ? Optional.empty() : Optional.of(name);
		}
		catch (IllegalArgumentException ex) {
			throw ProxyException.badPath("the Authorization header is not valid Basic auth");
		}
	}

	private record Source(String name, AccountSid account) {
	}

}
