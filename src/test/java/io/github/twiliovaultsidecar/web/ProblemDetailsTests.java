package io.github.twiliovaultsidecar.web;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

import io.github.twiliovaultsidecar.problem.SidecarException;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem details the sidecar makes, as the official Twilio SDKs read them. */
class ProblemDetailsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String DETAIL = "No credential is stored at twilio/AC0123/jp1";

	private static final SidecarException NOT_FOUND = new Failure("credential-not-found", 404, "Credential not found",
			DETAIL, Map.of("account", "AC0123", "region", "jp1"));

	@Test
	void theMapKeepsTheRfc9457MembersAndAddsTheMessageAndWhereItIsDocumented() {
		Map<String, Object> members = ProblemDetails.asMap(NOT_FOUND, "/api.tokyo.jp1.twilio.com/x");
		assertThat(members).containsEntry("type", "urn:twilio-vault-sidecar:problem:credential-not-found")
			.containsEntry("title", "Credential not found")
			.containsEntry("status", 404)
			.containsEntry("detail", DETAIL)
			.containsEntry("instance", "/api.tokyo.jp1.twilio.com/x")
			.containsEntry("account", "AC0123")
			.containsEntry("region", "jp1")
			.containsEntry("message", DETAIL)
			.containsEntry("more_info", "docs/calling-twilio.md#credential-not-found")
			.doesNotContainKey("code");
	}

	@Test
	void theControllerProblemDetailCarriesTheSameExtensionMembers() {
		ProblemDetail problem = ProblemDetails.of(NOT_FOUND);
		assertThat(problem.getStatus()).isEqualTo(404);
		assertThat(problem.getDetail()).isEqualTo(DETAIL);
		assertThat(problem.getType()).hasToString("urn:twilio-vault-sidecar:problem:credential-not-found");
		assertThat(problem.getProperties()).containsEntry("message", DETAIL)
			.containsEntry("more_info", "docs/calling-twilio.md#credential-not-found")
			.containsEntry("region", "jp1")
			.doesNotContainKey("code");
	}

	@Test
	void aContextMemberNamedLikeAnExtensionMemberCannotReplaceIt() {
		SidecarException clashing = new Failure("bad-input", 400, "Bad input", "The To number is missing",
				Map.of("message", "something else", "more_info", "elsewhere"));
		assertThat(ProblemDetails.asMap(clashing, "/x")).containsEntry("message", "The To number is missing")
			.containsEntry("more_info", "docs/calling-twilio.md#bad-input");
		assertThat(ProblemDetails.of(clashing).getProperties()).containsEntry("message", "The To number is missing")
			.containsEntry("more_info", "docs/calling-twilio.md#bad-input");
	}

	@Test
	void theWrittenAnswerIsProblemJsonWithTheMessageAndWhereItIsDocumented() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api.tokyo.jp1.twilio.com/2010-04-01/Accounts.json"));
		ProblemDetails.write(exchange, NOT_FOUND).block();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		JsonNode body = JSON.readTree(exchange.getResponse().getBodyAsString().block());
		assertThat(body.get("message").asString()).isEqualTo(DETAIL);
		assertThat(body.get("detail").asString()).isEqualTo(DETAIL);
		assertThat(body.get("more_info").asString()).isEqualTo("docs/calling-twilio.md#credential-not-found");
		assertThat(body.get("instance").asString()).isEqualTo("/api.tokyo.jp1.twilio.com/2010-04-01/Accounts.json");
		assertThat(body.has("code")).isFalse();
	}

	@Test
	void aProblemTheFrameworkMakesGetsItsDetailAsTheMessage() {
		ServerWebInputException unreadable = new ServerWebInputException("Failed to read HTTP message");
		ResponseEntity<Object> answer = new FrameworkProblemsAdvice()
			.handleException(unreadable, MockServerWebExchange.from(MockServerHttpRequest.post("/admin/v1/credentials")))
			.block();
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(answer.getBody()).isInstanceOfSatisfying(ProblemDetail.class, problem -> {
			assertThat(problem.getDetail()).isNotBlank();
			assertThat(problem.getProperties()).containsEntry("message", problem.getDetail()).doesNotContainKey("code");
		});
	}

	private static final class Failure extends SidecarException {

		Failure(String problem, int status, String title, String message, Map<String, ?> context) {
			super(problem, status, title, message, context, null);
		}

	}

}
