package io.github.twiliovaultsidecar.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.twiliovaultsidecar.masking.SecretMasking;
import io.github.twiliovaultsidecar.support.LogCapture;
import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit trail as an operator's log shipper reads it: one JSON object per line, with its time. */
class AuditLogTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void everyEventIsOneJsonLineWithItsTimeAndNothingElse() {
		String account = TestSids.accountSid();
		String message = "SM" + TestSids.hex(32);
		String token = TestSids.authToken();
		SecretMasking.register(token, account);
		Instant before = Instant.now().minusMillis(1);
		List<String> lines;
		try (LogCapture logs = LogCapture.attach()) {
			AuditLog audit = new AuditLog();
			audit.proxied("local", account, "ie1", "GET", "/2010-04-01/Accounts/" + account + "/Messages/" + message + ".json",
					200, 12, 3, null);
			audit.denied("system:serviceaccount:shop:web", "POST", "/2010-04-01/Accounts/" + account + "/Keys.json", account,
					"ie1", "sensitive-operation-denied");
			audit.admin("token-" + token, "seed", "twilio/" + account + "/ie1", "written", 2L, "3eb1bd439947");
			lines = logs.text().lines().filter(line -> line.contains("\"event\":")).toList();
		}
		assertThat(lines).hasSize(3);
		Instant after = Instant.now().plus(Duration.ofMillis(1));
		List<JsonNode> events = lines.stream().map(JSON::readTree).toList();
		for (int i = 0; i < events.size(); i++) {
			assertThat(lines.get(i)).as("the line is the object, nothing around it").startsWith("{\"time\":\"").endsWith("}");
			String time = events.get(i).get("time").asString();
			assertThat(time).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
			assertThat(Instant.parse(time)).isBetween(before, after);
		}
		assertThat(events.get(0).get("event").asString()).isEqualTo("proxy");
		assertThat(events.get(0).get("path").asString()).isEqualTo("/2010-04-01/Accounts/{AC}/Messages/{SM}.json");
		assertThat(events.get(0).get("status").asInt()).isEqualTo(200);
		assertThat(events.get(0).get("credential_version").asInt()).isEqualTo(3);
		assertThat(events.get(1).get("event").asString()).isEqualTo("denied");
		assertThat(events.get(1).get("reason").asString()).isEqualTo("sensitive-operation-denied");
		assertThat(events.get(2).get("event").asString()).isEqualTo("admin");
		assertThat(events.get(2).get("who").asString()).as("still through the secret mask")
			.isEqualTo("token-" + SecretMasking.MASK);
		assertThat(String.join("\n", lines)).doesNotContain(token);
	}

}
