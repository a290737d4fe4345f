package io.github.twiliovaultsidecar.support;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random SIDs and tokens, so tests sharing one Vault never collide. */
public final class TestSids {

	private static final SecureRandom RANDOM = new SecureRandom();

	private TestSids() {
	}

	/** @return a fresh Account SID */
	public static String accountSid() {
		return "AC" + hex(32);
	}

	/** @return a fresh API key SID */
	public static String apiKeySid() {
		return "SK" + hex(32);
	}

	/** @return a fresh token shaped like a Twilio Auth Token (32 lower-case hex) */
	public static String authToken() {
		return hex(32);
	}

	/** @return {@code length} random lower-case hex digits */
	public static String hex(int length) {
		byte[] bytes = new byte[(length + 1) / 2];
		RANDOM.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes).substring(0, length);
	}

}
