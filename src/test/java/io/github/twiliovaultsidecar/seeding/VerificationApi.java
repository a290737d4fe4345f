package io.github.twiliovaultsidecar.seeding;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.twiliovaultsidecar.support.CapturingCaller;
import io.github.twiliovaultsidecar.support.VaultServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the verification tests do through the service and straight in Vault, for entries under one
 * prefix of the shared {@code twilio} mount.
 */
final class VerificationApi {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final CapturingCaller caller;

	private final VaultServer vault;

	private final String prefix;

	VerificationApi(CapturingCaller caller, VaultServer vault, String prefix) {
		this.caller = caller;
		this.vault = vault;
		this.prefix = prefix;
	}

	/** @return the path people see for an entry, e.g. {@code twilio/<prefix>AC…/ie1} */
	String displayPath(String relativePath) {
		return "twilio/" + this.prefix + relativePath;
	}

	HttpResponse<String> reverify(String relativePath, String vaultToken) {
		return (vaultToken == null)
				? this.caller.send("POST", "/admin/v1/credentials/" + relativePath + "/verification", null)
				: this.caller.send("POST", "/admin/v1/credentials/" + relativePath + "/verification", null,
						"X-Vault-Token", vaultToken);
	}

	/** @return the inventory entry of the account, or {@code null} while there is none */
	JsonNode inventoryEntry(String account) {
		HttpResponse<String> response = this.caller.send("GET", "/admin/v1/credentials?account=" + account, null,
				"X-Vault-Token", this.vault.rootToken());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode entries = JSON.readTree(response.body()).path("entries");
		return entries.isEmpty() ? null : entries.get(0);
	}

	String prometheus() {
		HttpResponse<String> response = this.caller.send("GET", "/actuator/prometheus", null);
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	/**
	 * @param region the region tag, {@code null} for a meter without one
	 * @param outcome the outcome or reason tag, {@code null} for a meter without either
	 * @return the sum of the series of {@code name} with that region and outcome (or reason) tag, 0 when absent
	 */
	double meter(String name, String region, String outcome) {
		double sum = 0;
		for (String line : prometheus().split("\n")) {
			if (line.startsWith(name + "{") && (region == null || line.contains("region=\"" + region + "\""))
					&& (outcome == null || line.contains("outcome=\"" + outcome + "\"")
							|| line.contains("reason=\"" + outcome + "\""))) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return sum;
	}

	/** Writes secret data the way the Vault UI does, with the root token. */
	void writeRaw(String relativePath, Map<String, String> data) {
		HttpResponse<String> response = this.vault.http("POST", "twilio/data/" + this.prefix + relativePath,
				JSON.writeValueAsString(Map.of("data", data)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	/** @return the entry's KV metadata as Vault returns it */
	JsonNode metadata(String relativePath) {
		HttpResponse<String> response = this.vault.http("GET", "twilio/metadata/" + this.prefix + relativePath, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).path("data");
	}

	/** @return the first value {@code probe} gives that {@code done} accepts, polling until {@code timeout} */
	static <T> T await(Supplier<T> probe, Predicate<T> done, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		T last = null;
		while (System.nanoTime() < deadline) {
			last = probe.get();
			if (last != null && done.test(last)) {
				return last;
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new AssertionError("not reached within " + timeout + "; last seen: " + last);
	}

}
