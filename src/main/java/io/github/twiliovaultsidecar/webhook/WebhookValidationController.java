package io.github.twiliovaultsidecar.webhook;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.github.twiliovaultsidecar.store.CredentialKey;

/**
 * {@code POST /webhooks/v1/validate}: an app sends what it received from Twilio and learns whether
 * the signature is valid, without ever holding the token.
 * <p>
 * Request: {@code {"account", "region", "url", "signature"}} and either {@code "params"} (each name to
 * a string or a list of strings) for a form-encoded webhook, or {@code "body"} (the raw JSON text) for
 * a JSON webhook whose URL carries {@code bodySHA256}; neither for a GET webhook. Answer:
 * {@code {"valid": true|false, "credential_version": N}}, never a token. Unknown fields and bodies that
 * are not {@code application/json} are refused.
 */
@RestController
class WebhookValidationController {

	static final String PATH = "/webhooks/v1/validate";

	/** Every field of a request; any other is refused, so a misspelt optional field is never silently ignored. */
	static final List<String> FIELDS = List.of("account", "region", "url", "signature", "params", "body");

	private final WebhookValidator validator;

	private final JsonMapper json;

	private final int maxBodyBytes;

	WebhookValidationController(WebhookValidator validator, JsonMapper json, WebhookProperties properties) {
		this.validator = validator;
		this.json = json;
		this.maxBodyBytes = (int) properties.maxBodySize().toBytes();
	}

	@PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ValidationResponse> validate(ServerHttpRequest request) {
		return RequestBodies.read(request, this.maxBodyBytes).map(this::parse).flatMap(parsed -> this.validator
			.validate(WebhookValidator.VALIDATE_ENDPOINT_ROUTE, parsed.key(), parsed.url(), parsed.payload(),
					parsed.signature())
			.map(verdict -> new ValidationResponse(verdict.valid(), verdict.credentialVersion())));
	}

	/**
	 * @throws WebhookException naming the field that is missing or of the wrong type (never its value)
	 */
	ValidationRequest parse(byte[] body) {
		JsonNode root;
		try {
			root = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw WebhookException.invalidRequest("The request body is not valid JSON");
		}
		if (root == null || !root.isObject()) {
			throw WebhookException.invalidRequest("The request body must be a JSON object with 'account', 'region', "
					+ "'url' and 'signature'");
		}
		for (Map.Entry<String, JsonNode> field : root.properties()) {
			if (!FIELDS.contains(field.getKey())) {
				throw WebhookException.invalidRequest("The request body holds an unknown field; known fields: "
						+ String.join(", ", FIELDS));
			}
		}
		String account = requiredString(root, "account");
		String region = requiredString(root, "region");
		String url = requiredString(root, "url");
		JsonNode signature = root.get("signature");
		if (signature == null || signature.isNull() || (signature.isString() && signature.stringValue().isBlank())) {
			throw WebhookException.missingSignature();
		}
		if (!signature.isString()) {
			throw WebhookException.invalidRequest("'signature' must be a string");
		}
		JsonNode params = root.get("params");
		JsonNode rawBody = root.get("body");
		boolean hasParams = params != null && !params.isNull();
		boolean hasBody = rawBody != null && !rawBody.isNull();
		if (hasParams && hasBody) {
			throw WebhookException.invalidRequest("Give either 'params' (form webhook) or 'body' (JSON webhook), not both");
		}
		SignedPayload payload = hasBody ? new SignedPayload.Json(string(rawBody, "body").getBytes(StandardCharsets.UTF_8))
				: hasParams ? new SignedPayload.Form(params(params)) : SignedPayload.none();
		return new ValidationRequest(CredentialKey.of(account, region), url, payload, signature.stringValue());
	}

	private static Map<String, List<String>> params(JsonNode node) {
		if (!node.isObject()) {
			throw WebhookException.invalidRequest("'params' must be an object of parameter names to lists of values");
		}
		Map<String, List<String>> params = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			JsonNode value = entry.getValue();
			List<String> values = new ArrayList<>();
			if (value.isArray()) {
				for (JsonNode item : value) {
					if (!item.isString()) {
						throw WebhookException.invalidRequest("Every value in 'params' must be a string");
					}
					values.add(item.stringValue());
				}
			}
			else if (value.isString()) {
				values.add(value.stringValue());
			}
			else {
				throw WebhookException.invalidRequest("Each entry of 'params' must be a string or a list of strings");
			}
			params.put(entry.getKey(), values);
		}
		return params;
	}

	private static String requiredString(JsonNode root, String field) {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			throw WebhookException.invalidRequest("'" + field + "' is required");
		}
		return string(node, field);
	}

	private static String string(JsonNode node, String field) {
		if (!node.isString()) {
			throw WebhookException.invalidRequest("'" + field + "' must be a string");
		}
		return node.stringValue();
	}

	/** A parsed request. {@link #toString()} leaves out the signature. */
	record ValidationRequest(CredentialKey key, String url, SignedPayload payload, String signature) {

		@Override
		public String toString() {
			return "ValidationRequest[" + this.key + "]";
		}

	}

	/**
	 * @param valid whether the signature matched
	 * @param credentialVersion the KV version that matched; when none did, the latest version checked
	 */
	record ValidationResponse(boolean valid, @JsonProperty("credential_version") long credentialVersion) {
	}

}
