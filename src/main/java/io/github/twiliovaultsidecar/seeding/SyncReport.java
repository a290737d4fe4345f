package io.github.twiliovaultsidecar.seeding;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a subaccount sync answers: counts per outcome and one line per subaccount. Holds no secret.
 *
 * @param parent the parent Account SID
 * @param region the region synced
 * @param counts number of subaccounts per outcome
 * @param subaccounts one outcome per subaccount, in Twilio's order
 */
record SyncReport(String parent, String region, Map<String, Integer> counts, List<Outcome> subaccounts) {

	/** Outcome names, stable for scripts. */
	static final String CREATED = "created";

	static final String UPDATED = "updated";

	static final String UNCHANGED = "unchanged";

	static final String FAILED = "failed";

	/** Prefix of the outcome of a subaccount that is not active, e.g. {@code skipped-suspended}. */
	static final String SKIPPED = "skipped-";

	static SyncReport of(String parent, String region, List<Outcome> outcomes) {
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (String name : List.of(CREATED, UPDATED, UNCHANGED, FAILED)) {
			counts.put(name, 0);
		}
		outcomes.forEach(outcome -> counts.merge(outcome.outcome(), 1, Integer::sum));
		return new SyncReport(parent, region, counts, List.copyOf(outcomes));
	}

	/** @return the human summary the CLI prints */
	String summary() {
		StringBuilder out = new StringBuilder();
		out.append("Subaccounts of ").append(this.parent).append(" in ").append(this.region).append(": ");
		out.append(String.join(", ", this.counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()));
		out.append('\n');
		for (Outcome outcome : this.subaccounts) {
			out.append(String.format("  %-34s %-18s %s%n", outcome.account(), outcome.outcome(),
					(outcome.reason() != null) ? outcome.reason()
							: (outcome.version() != null) ? "version " + outcome.version() : ""));
		}
		return out.toString();
	}

	/**
	 * @param account the subaccount SID
	 * @param outcome {@code created}, {@code updated}, {@code unchanged}, {@code skipped-<status>} or {@code failed}
	 * @param path the Vault path
	 * @param version the current KV version after the sync, {@code null} when none
	 * @param fingerprint the token's fingerprint, {@code null} when none was fetched
	 * @param reason why it failed or was skipped, {@code null} otherwise
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Outcome(String account, String outcome, String path, Long version, String fingerprint, String reason) {
	}

}
