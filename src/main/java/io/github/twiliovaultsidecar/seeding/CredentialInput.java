package io.github.twiliovaultsidecar.seeding;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.github.twiliovaultsidecar.store.CredentialFields;
import io.github.twiliovaultsidecar.store.CredentialKind;
import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.ApiKeySid;
import io.github.twiliovaultsidecar.twilio.Edge;
import io.github.twiliovaultsidecar.twilio.Secret;

/**
 * A credential a person hands in for one account, checked for shape before anything is sent to
 * Twilio or Vault: an Auth Token, or an API key SID and secret, plus an optional edge. The secret is
 * held as a {@link Secret}; {@link #toString()} names the kind and fingerprint only.
 */
final class CredentialInput {

	/** Longest secret accepted; Twilio's are 32 characters. */
	static final int MAX_SECRET_LENGTH = 256;

	private final CredentialKind kind;

	private final String username;

	private final Secret secret;

	private final Optional<Edge> edge;

	private CredentialInput(CredentialKind kind, String username, Secret secret, Optional<Edge> edge) {
		this.kind = kind;
		this.username = username;
		this.secret = secret;
		this.edge = edge;
	}

	/**
	 * Checks a credential as given in a request body or on the command line. Surrounding whitespace of
	 * every value is trimmed, as the store trims it on read.
	 * @param account the account the credential is for
	 * @param authToken the Auth Token, {@code null} when an API key is given
	 * @param apiKeySid the API key SID, {@code null} when an Auth Token is given
	 * @param apiKeySecret the API key secret, {@code null} when an Auth Token is given
	 * @param edge the default edge to store, {@code null} for none
	 * @return the checked credential
	 * @throws SeedingException (400) when neither or both kinds are given, (422) when a secret is empty,
	 * too long or holds characters a Twilio secret never has
	 * @throws io.github.twiliovaultsidecar.twilio.InvalidTwilioInputException (400) for a bad API key SID or edge
	 */
	static CredentialInput of(AccountSid account, String authToken, String apiKeySid, String apiKeySecret,
			String edge) {
		boolean token = authToken != null;
		boolean key = apiKeySid != null || apiKeySecret != null;
		if (token == key) {
			throw SeedingException.invalidRequest(token
					? "Give either 'auth_token' or 'api_key_sid' with 'api_key_secret', not both"
					: "Give 'auth_token', or 'api_key_sid' with 'api_key_secret'");
		}
		Optional<Edge> parsedEdge = Optional.ofNullable(edge)
			.map(String::strip)
			.filter(e -> !e.isEmpty())
			.map(e -> Edge.parse(e.toLowerCase(Locale.ROOT)));
		if (token) {
			return new CredentialInput(CredentialKind.AUTH_TOKEN, account.value(),
					checkedSecret(CredentialFields.AUTH_TOKEN, authToken), parsedEdge);
		}
		if (apiKeySid == null || apiKeySecret == null) {
			throw SeedingException.invalidRequest("An API key needs both 'api_key_sid' and 'api_key_secret'");
		}
		ApiKeySid sid = ApiKeySid.parse(apiKeySid.strip());
		return new CredentialInput(CredentialKind.API_KEY, sid.value(),
				checkedSecret(CredentialFields.API_KEY_SECRET, apiKeySecret), parsedEdge);
	}

	/**
	 * @return the credential as stored, checked the way a seed is
	 * @throws SeedingException (422) when the stored secret is not one Twilio could have issued
	 */
	static CredentialInput fromStored(RegionalCredential credential) {
		String edge = credential.edge().map(Object::toString).orElse(null);
		return (credential.kind() == CredentialKind.AUTH_TOKEN)
				? of(credential.key().account(), credential.secret().reveal(), null, null, edge)
				: of(credential.key().account(), null, credential.username(), credential.secret().reveal(), edge);
	}

	/** @return an Auth Token credential read from Twilio itself (subaccount sync) */
	static CredentialInput fromTwilio(AccountSid account, String authToken, Optional<Edge> edge) {
		return new CredentialInput(CredentialKind.AUTH_TOKEN, account.value(),
				checkedSecret(CredentialFields.AUTH_TOKEN, authToken), edge);
	}

	private static Secret checkedSecret(String field, String value) {
		String stripped = value.strip();
		if (stripped.isEmpty()) {
			throw SeedingException.invalidCredential("'" + field + "' is empty");
		}
		if (stripped.length() > MAX_SECRET_LENGTH) {
			throw SeedingException.invalidCredential(
					"'" + field + "' is longer than " + MAX_SECRET_LENGTH + " characters; Twilio's are 32");
		}
		for (int i = 0; i < stripped.length(); i++) {
			char c = stripped.charAt(i);
			if (c <= 0x20 || c >= 0x7f) {
				throw SeedingException.invalidCredential("'" + field
						+ "' holds spaces, control or non-ASCII characters, which a Twilio secret never has");
			}
		}
		return Secret.of(stripped);
	}

	/** @return the same credential with {@code edge} when it names none */
	CredentialInput withDefaultEdge(Optional<Edge> fallback) {
		return this.edge.isPresent() ? this : new CredentialInput(this.kind, this.username, this.secret, fallback);
	}

	CredentialKind kind() {
		return this.kind;
	}

	/** @return the Basic-auth user name: the Account SID or the API key SID */
	String username() {
		return this.username;
	}

	Secret secret() {
		return this.secret;
	}

	Optional<Edge> edge() {
		return this.edge;
	}

	/** @return the first 12 hex characters of the secret's SHA-256, safe to show */
	String fingerprint() {
		return this.secret.fingerprint();
	}

	/** @return the {@code Authorization} header value; never log it */
	String basicAuthorization() {
		String pair = this.username + ":" + this.secret.reveal();
		return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
	}

	/** @return the secret data to write to Vault, keyed as {@link CredentialFields} names them */
	Map<String, String> vaultData() {
		Map<String, String> data = new LinkedHashMap<>();
		if (this.kind == CredentialKind.AUTH_TOKEN) {
			data.put(CredentialFields.AUTH_TOKEN, this.secret.reveal());
		}
		else {
			data.put(CredentialFields.API_KEY_SID, this.username);
			data.put(CredentialFields.API_KEY_SECRET, this.secret.reveal());
		}
		this.edge.ifPresent(e -> data.put(CredentialFields.EDGE, e.name()));
		return data;
	}

	@Override
	public String toString() {
		return "CredentialInput[" + this.kind + " " + this.username + " fingerprint=" + fingerprint() + "]";
	}

}
