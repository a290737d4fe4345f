package io.github.twiliovaultsidecar.seeding;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Every entry under the mount with its metadata and problems. Holds no secret: the data is read
 * only to compute problem sentences.
 *
 * @param mount the mount and prefix, e.g. {@code twilio/}
 * @param count number of entries listed
 * @param withProblems number of entries with at least one problem
 * @param entries the entries, sorted by path
 */
record Inventory(String mount, int count, @JsonProperty("with_problems") int withProblems, List<Entry> entries) {

	static Inventory of(String mount, List<Entry> entries) {
		return new Inventory(mount, entries.size(), (int) entries.stream().filter(e -> !e.problems().isEmpty()).count(),
				List.copyOf(entries));
	}

	/** @return the table the CLI prints */
	String table() {
		StringBuilder out = new StringBuilder();
		String format = "%-48s %-4s %-7s %-16s %-20s %-20s %-12s %s%n";
		out.append(String.format(format, "PATH", "VER", "AGE", "SOURCE", "SEEDED_BY", "VERIFIED_AT", "FINGERPRINT",
				"PROBLEMS"));
		for (Entry entry : this.entries) {
			out.append(String.format(format, entry.path(), entry.version(), dash(entry.ageDays(), "d"),
					dash(entry.source()), dash(entry.seededBy()), dash(entry.verifiedAt()), dash(entry.fingerprint()),
					entry.problems().isEmpty() ? "ok" : entry.problems().size()));
			for (String problem : entry.problems()) {
				out.append("    - ").append(problem).append('\n');
			}
		}
		out.append(this.count).append(" entries, ").append(this.withProblems).append(" with problems\n");
		return out.toString();
	}

	private static String dash(Object value) {
		return (value == null) ? "-" : value.toString();
	}

	private static String dash(Long value, String unit) {
		return (value == null) ? "-" : value + unit;
	}

	/**
	 * @param path the Vault path as people see it
	 * @param account the account folder as stored
	 * @param region the region folder as stored
	 * @param version the current KV version
	 * @param createdTime when the entry was first written (RFC 3339)
	 * @param updatedTime when the current version was written (RFC 3339)
	 * @param ageDays whole days since the current version was written
	 * @param source custom metadata {@code source}
	 * @param seededBy custom metadata {@code seeded_by}
	 * @param verifiedAt custom metadata {@code verified_at}
	 * @param fingerprint custom metadata {@code fingerprint}
	 * @param problems one sentence per problem, naming keys and folders, never values
	 * @param verification the last check against Twilio (this instance's, else the one recorded in the
	 * entry's custom metadata), {@code null} when none is known
	 * @param kind {@code auth_token} or {@code api_key}, {@code null} when the entry is unusable or
	 * its data was not read
	 * @param edge the edge the entry names, {@code null} when it names none or was not read
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Entry(String path, String account, String region, long version,
			@JsonProperty("created_time") String createdTime, @JsonProperty("updated_time") String updatedTime,
			@JsonProperty("age_days") Long ageDays, String source, @JsonProperty("seeded_by") String seededBy,
			@JsonProperty("verified_at") String verifiedAt, String fingerprint, List<String> problems,
			Verification verification, String kind, String edge) {

		/** An entry whose kind and edge are not known yet ({@link #withShape}). */
		Entry(String path, String account, String region, long version, String createdTime, String updatedTime,
				Long ageDays, String source, String seededBy, String verifiedAt, String fingerprint,
				List<String> problems, Verification verification) {
			this(path, account, region, version, createdTime, updatedTime, ageDays, source, seededBy, verifiedAt,
					fingerprint, problems, verification, null, null);
		}

		/** @return this entry with {@code kind} and {@code edge} (either may be {@code null}) */
		Entry withShape(String kind, String edge) {
			return new Entry(this.path, this.account, this.region, this.version, this.createdTime, this.updatedTime,
					this.ageDays, this.source, this.seededBy, this.verifiedAt, this.fingerprint, this.problems,
					this.verification, kind, edge);
		}

	}

}
