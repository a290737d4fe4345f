package io.github.twiliovaultsidecar.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * What an admin API test class against the real Vault shares: a Twilio stand-in of its own, one
 * caller of the service under test that keeps every response, and the secrets the class used (the
 * Vault root token among them). After the class, no response any caller received holds any of them.
 * Registered as a static {@code @RegisterExtension} field of a {@link RealVault}
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} class.
 */
public final class AdminSession implements BeforeEachCallback, AfterAllCallback {

	private final TwilioStandIn twilio = TwilioStandIn.start();

	private final Set<String> secrets = ConcurrentHashMap.newKeySet();

	private volatile CapturingCaller caller;

	/** @return the class's Twilio stand-in, closed after the class */
	public TwilioStandIn twilio() {
		return this.twilio;
	}

	/** @return the secrets no response may hold; add every one a test makes */
	public Set<String> secrets() {
		return this.secrets;
	}

	/** @return the caller of the service under test, there from the first test on */
	public CapturingCaller caller() {
		return this.caller;
	}

	/** @return a new Auth Token, remembered as a secret */
	public String token() {
		String token = TestSids.authToken();
		this.secrets.add(token);
		return token;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.caller == null) {
			String port = SpringExtension.getApplicationContext(context).getEnvironment().getProperty("local.server.port");
			this.caller = new CapturingCaller("http://127.0.0.1:" + port);
		}
		this.secrets.add(VaultServer.shared().rootToken());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		try {
			if (this.caller != null) {
				this.caller.assertNoneContains(this.secrets, Set.of());
			}
		}
		finally {
			this.twilio.close();
		}
	}

}
