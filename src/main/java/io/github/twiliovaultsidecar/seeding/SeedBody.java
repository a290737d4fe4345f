package io.github.twiliovaultsidecar.seeding;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import io.github.twiliovaultsidecar.store.CredentialFields;
import io.github.twiliovaultsidecar.twilio.AccountSid;

/**
 * The JSON body of {@code PUT /admin/v1/credentials/{account}/{region}}: {@code auth_token}, or
 * {@code api_key_sid} and {@code api_key_secret}, and an optional {@code edge}. Unknown fields are
 * refused. {@link #toString()} prints no secret.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
record SeedBody(@JsonProperty(CredentialFields.AUTH_TOKEN) String authToken,
		@JsonProperty(CredentialFields.API_KEY_SID) String apiKeySid,
		@JsonProperty(CredentialFields.API_KEY_SECRET) String apiKeySecret,
		@JsonProperty(CredentialFields.EDGE) String edge) {

	/** Largest body accepted, in characters. */
	static final int MAX_BODY_LENGTH = 4096;

	private static final JsonMapper STRICT = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
		// a number or boolean is not a token: never turn 12345 into "12345" and send it to Twilio
		.withCoercionConfig(LogicalType.Textual, config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.build();

	/**
	 * @param json the request body, may be {@code null}
	 * @return the parsed body
	 * @throws SeedingException (400) for a missing, oversized or non-JSON body, or an unknown field; the
	 * message names fields, never values
	 */
	static SeedBody parse(String json) {
		if (json == null || json.isBlank()) {
			throw SeedingException.invalidRequest("The body must be a JSON object with 'auth_token' (or 'api_key_sid' "
					+ "and 'api_key_secret') and an optional 'edge'");
		}
		if (json.length() > MAX_BODY_LENGTH) {
			throw SeedingException.invalidRequest("The body is longer than " + MAX_BODY_LENGTH + " characters");
		}
		try {
			SeedBody body = STRICT.readValue(json, SeedBody.class);
			if (body == null) {
				throw SeedingException.invalidRequest("The body must be a JSON object, not null");
			}
			return body;
		}
		catch (UnrecognizedPropertyException ex) {
			String name = String.valueOf(ex.getPropertyName());
			throw SeedingException.invalidRequest("Unknown field '" + bounded(name) + "'; known fields: "
					+ String.join(", ", List.of(CredentialFields.AUTH_TOKEN, CredentialFields.API_KEY_SID,
							CredentialFields.API_KEY_SECRET, CredentialFields.EDGE)));
		}
		catch (JacksonException ex) {
			throw SeedingException.invalidRequest(
					"The body is not a JSON object of string fields 'auth_token', 'api_key_sid', 'api_key_secret', "
							+ "'edge'");
		}
	}

	/** @return the checked credential for {@code account} */
	CredentialInput toInput(AccountSid account) {
		return CredentialInput.of(account, this.authToken, this.apiKeySid, this.apiKeySecret, this.edge);
	}

	private static String bounded(String name) {
		String safe = name.replaceAll("[^A-Za-z0-9_.-]", "?");
		return (safe.length() > 40) ? safe.substring(0, 40) + "..." : safe;
	}

	@Override
	public String toString() {
		return "SeedBody[auth_token=" + ((this.authToken != null) ? "[redacted]" : "null") + ", api_key_sid="
				+ this.apiKeySid + ", api_key_secret=" + ((this.apiKeySecret != null) ? "[redacted]" : "null")
				+ ", edge=" + this.edge + "]";
	}

}
