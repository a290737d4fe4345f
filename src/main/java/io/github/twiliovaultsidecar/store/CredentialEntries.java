package io.github.twiliovaultsidecar.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.twiliovaultsidecar.masking.SecretMasking;
import io.github.twiliovaultsidecar.twilio.ApiKeySid;
import io.github.twiliovaultsidecar.twilio.Edge;
import io.github.twiliovaultsidecar.twilio.Secret;

/**
 * Reads the secret data of one entry the way people write it in the Vault UI: string values,
 * surrounding whitespace trimmed, unknown keys ignored. No Vault access; every secret it reads is
 * registered with {@link SecretMasking} so no log line can print it.
 */
public final class CredentialEntries {

	/** Key names people type by mistake for {@code auth_token}, compared case- and separator-insensitively. */
	private static final Set<String> TOKEN_LOOKALIKES = Set.of("authtoken", "token", "twilioauthtoken", "twiliotoken");

	private static final Set<String> API_KEY_SID_LOOKALIKES = Set.of("apikeysid", "apikey", "keysid", "sid");

	private static final Set<String> API_KEY_SECRET_LOOKALIKES = Set.of("apikeysecret", "apisecret", "keysecret",
			"secret");

	private CredentialEntries() {
	}

	/**
	 * @param key which entry, for the credential and error messages
	 * @param displayPath the path people see, for error messages
	 * @param data the entry's secret data as Vault returned it, not {@code null}
	 * @param version the KV version the data belongs to
	 * @return the credential
	 * @throws CredentialStoreException.Malformed naming every problem (never a value)
	 */
	static RegionalCredential parse(CredentialKey key, String displayPath, Map<String, ?> data, long version) {
		List<String> problems = problems(data);
		if (!problems.isEmpty()) {
			throw new CredentialStoreException.Malformed(displayPath, problems);
		}
		Optional<Edge> edge = edge(data);
		Optional<String> token = text(data, CredentialFields.AUTH_TOKEN);
		RegionalCredential credential = token.isPresent()
				? new RegionalCredential(key, CredentialKind.AUTH_TOKEN, key.account().value(), Secret.of(token.get()),
						edge, version)
				: new RegionalCredential(key, CredentialKind.API_KEY, text(data, CredentialFields.API_KEY_SID).get(),
						Secret.of(text(data, CredentialFields.API_KEY_SECRET).get()), edge, version);
		SecretMasking.register(credential.secret().reveal(), credential.username());
		return credential;
	}

	/**
	 * What kind of credential an entry holds and which edge it names, read without touching a secret
	 * value (only which keys are there, and the edge).
	 * @param data an entry's secret data, not {@code null}
	 * @return the shape, empty when {@link #problems} finds the entry unusable
	 */
	public static Optional<Shape> shape(Map<String, ?> data) {
		if (!problems(data).isEmpty()) {
			return Optional.empty();
		}
		CredentialKind kind = text(data, CredentialFields.AUTH_TOKEN).isPresent() ? CredentialKind.AUTH_TOKEN
				: CredentialKind.API_KEY;
		return Optional.of(new Shape(kind, edge(data)));
	}

	/**
	 * @param kind which credential the entry holds
	 * @param edge the edge it names, empty when it names none (the region's default is used)
	 */
	public record Shape(CredentialKind kind, Optional<Edge> edge) {
	}

	/**
	 * @param data an entry's secret data, not {@code null}
	 * @return the reasons the entry cannot be used, empty when it can; each names keys, never values
	 */
	public static List<String> problems(Map<String, ?> data) {
		List<String> problems = new ArrayList<>();
		for (Map.Entry<String, ?> entry : data.entrySet()) {
			if (CredentialFields.ALL.contains(entry.getKey())) {
				if (!(entry.getValue() instanceof String)) {
					problems.add("'" + entry.getKey() + "' must be a string");
				}
				else if (((String) entry.getValue()).isBlank()) {
					problems.add("'" + entry.getKey() + "' is empty");
				}
			}
			else {
				misnamed(entry.getKey()).ifPresent(problems::add);
			}
		}
		if (!problems.isEmpty()) {
			return problems;
		}
		boolean hasToken = data.containsKey(CredentialFields.AUTH_TOKEN);
		boolean hasKeySid = data.containsKey(CredentialFields.API_KEY_SID);
		boolean hasKeySecret = data.containsKey(CredentialFields.API_KEY_SECRET);
		if (hasToken && (hasKeySid || hasKeySecret)) {
			problems.add("holds both 'auth_token' and an API key; keep one");
		}
		else if (!hasToken && !hasKeySid && !hasKeySecret) {
			problems.add("holds no 'auth_token' (or 'api_key_sid' and 'api_key_secret')");
		}
		else if (!hasToken && !(hasKeySid && hasKeySecret)) {
			problems.add(hasKeySid ? "'api_key_sid' has no 'api_key_secret'" : "'api_key_secret' has no 'api_key_sid'");
		}
		text(data, CredentialFields.API_KEY_SID).filter(sid -> !isValid(() -> ApiKeySid.parse(sid)))
			.ifPresent(sid -> problems.add("'api_key_sid' is not an API key SID (SK followed by 32 hex digits)"));
		text(data, CredentialFields.EDGE).filter(edge -> !Edge.isValid(lower(edge)))
			.ifPresent(edge -> problems.add("'edge' is not a Twilio edge (e.g. dublin, sydney, ashburn)"));
		return problems;
	}

	/** @return a hint when {@code key} looks like one of the credential keys spelled differently */
	public static Optional<String> misnamed(String key) {
		String folded = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
		String expected = TOKEN_LOOKALIKES.contains(folded) ? CredentialFields.AUTH_TOKEN
				: API_KEY_SID_LOOKALIKES.contains(folded) ? CredentialFields.API_KEY_SID
						: API_KEY_SECRET_LOOKALIKES.contains(folded) ? CredentialFields.API_KEY_SECRET
								: "edge".equals(folded) ? CredentialFields.EDGE : null;
		return Optional.ofNullable(expected)
			.map(name -> "key '" + key + "' is not read; name it '" + name + "' (lower case, with underscores)");
	}

	private static Optional<Edge> edge(Map<String, ?> data) {
		return text(data, CredentialFields.EDGE).map(CredentialEntries::lower).map(Edge::parse);
	}

	private static Optional<String> text(Map<String, ?> data, String key) {
		return (data.get(key) instanceof String value) ? Optional.of(value.strip()) : Optional.empty();
	}

	private static String lower(String value) {
		return value.toLowerCase(Locale.ROOT);
	}

	private static boolean isValid(Runnable parse) {
		try {
			parse.run();
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
