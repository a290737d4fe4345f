package io.github.twiliovaultsidecar.seeding;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.github.twiliovaultsidecar.store.CredentialEntries;
import io.github.twiliovaultsidecar.store.CredentialFields;
import io.github.twiliovaultsidecar.store.EntryMetadata;
import io.github.twiliovaultsidecar.store.StoredPath;
import io.github.twiliovaultsidecar.twilio.AccountSid;
import io.github.twiliovaultsidecar.twilio.Region;

/**
 * What the inventory reports about one entry: the errors that stop the proxy using it (from
 * {@link CredentialEntries#problems}) and the warnings a person should fix (whitespace, a token that
 * does not look like one, a missing edge, an old entry...). Pure functions; each sentence names
 * keys and folders, never a value.
 */
final class InventoryRules {

	private InventoryRules() {
	}

	/**
	 * @param path the entry's folders as listed
	 * @param data the entry's secret data, empty when it could not be read (then only folders and
	 * metadata are checked, and that is said)
	 * @param metadata the entry's KV metadata, empty when none was found
	 * @param now the time to measure age against
	 * @param maxAge entries last written longer ago than this are reported
	 * @return the problems, empty for a healthy entry
	 */
	static List<String> problems(StoredPath path, Optional<Map<String, ?>> data, Optional<EntryMetadata> metadata,
			Instant now, Duration maxAge) {
		List<String> problems = new ArrayList<>(folderProblems(path));
		metadata.ifPresent(meta -> problems.addAll(metadataProblems(meta, now, maxAge)));
		if (metadata.map(EntryMetadata::currentDeleted).orElse(false)) {
			return problems;
		}
		if (data.isEmpty()) {
			problems.add("secret data could not be read to check it");
			return problems;
		}
		problems.addAll(dataProblems(path, data.get()));
		return problems;
	}

	/** @return problems with the folder names: not a SID or region, upper case, unknown region */
	static List<String> folderProblems(StoredPath path) {
		List<String> problems = new ArrayList<>();
		if (!AccountSid.isValid(path.account())) {
			problems.add("folder '" + path.account() + "' is not an Account SID (AC followed by 32 hex digits)");
		}
		else if (!path.account().equals(AccountSid.parse(path.account()).value())) {
			problems.add("folder '" + path.account() + "' has upper-case letters; the sidecar reads "
					+ AccountSid.parse(path.account()).value() + " (lower-case hex)");
		}
		if (!Region.isValid(path.region())) {
			problems.add("folder '" + path.region() + "' is not a Twilio region code (such as us1, ie1, au1)");
		}
		else if (!Region.parse(path.region()).isKnown()) {
			problems.add("region '" + path.region() + "' is not one this version knows (us1, ie1, au1, jp1)");
		}
		return problems;
	}

	/** @return problems visible in the metadata: deleted latest version, never verified, too old */
	static List<String> metadataProblems(EntryMetadata meta, Instant now, Duration maxAge) {
		List<String> problems = new ArrayList<>();
		if (meta.currentDeleted()) {
			problems.add("the latest version (" + meta.currentVersion() + ") is deleted or destroyed");
		}
		Optional<Instant> written = meta.updatedTime().or(meta::createdTime);
		written.filter(at -> Duration.between(at, now).compareTo(maxAge) > 0)
			.ifPresent(at -> problems.add("last written " + Duration.between(at, now).toDays()
					+ " days ago, longer than sidecar.seeding.max-age (" + maxAge.toDays() + " days): rotate it"));
		return problems;
	}

	/** @return problems of the secret data, errors first */
	static List<String> dataProblems(StoredPath path, Map<String, ?> data) {
		List<String> problems = new ArrayList<>(CredentialEntries.problems(data));
		for (String key : data.keySet()) {
			if (!CredentialFields.ALL.contains(key) && CredentialEntries.misnamed(key).isEmpty()) {
				problems.add("key '" + key + "' is ignored");
			}
		}
		for (String key : CredentialFields.ALL) {
			if (data.get(key) instanceof String value && !value.isBlank() && !value.equals(value.strip())) {
				problems.add("'" + key + "' has surrounding whitespace (trimmed on read; save it without)");
			}
		}
		if (data.get(CredentialFields.AUTH_TOKEN) instanceof String token && !token.isBlank()
				&& !token.strip().matches("[0-9a-f]{32}")) {
			problems.add("'auth_token' is not 32 lower-case hex digits, as Twilio Auth Tokens are");
		}
		boolean hasEdge = data.get(CredentialFields.EDGE) instanceof String edge && !edge.isBlank();
		if (!hasEdge && Region.isValid(path.region()) && !Region.US1.code().equals(path.region())) {
			Region region = Region.parse(path.region());
			problems.add(region.defaultEdge()
				.map(edge -> "no 'edge' for region " + region.code() + " (the default " + edge.name()
						+ " is used; store it to make it explicit)")
				.orElse("no 'edge' for region " + region.code() + ", which has no default edge: calls cannot be routed"));
		}
		return problems;
	}

	/** @return {@code value} lower-cased, for case-insensitive filters */
	static String fold(String value) {
		return value.toLowerCase(Locale.ROOT);
	}

}
