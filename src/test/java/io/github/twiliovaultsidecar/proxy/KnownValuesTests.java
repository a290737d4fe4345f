package io.github.twiliovaultsidecar.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.store.TestCredentials;
import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;

class KnownValuesTests {

	private final String account = TestSids.accountSid();

	private final String token = TestSids.authToken();

	private final RegionalCredential credential = TestCredentials.authToken(this.account, "ie1", this.token);

	private final KnownValues known = KnownValues.of(List.of(this.credential));

	@Test
	void masksTheSecretInPlaceWithBytesOfTheSameLength() {
		String text = "<AuthToken>" + this.token + "</AuthToken>";
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		assertThat(this.known.scrub(bytes, 0, bytes.length)).isEqualTo(1);
		String masked = new String(bytes, StandardCharsets.UTF_8);
		assertThat(masked).hasSameSizeAs(text)
			.doesNotContain(this.token)
			.isEqualTo("<AuthToken>[redacted]" + "*".repeat(this.token.length() - 10) + "</AuthToken>");
	}

	@Test
	void findsTheBasicFormAndAnUpperCasedSecret() {
		String basic = Base64.getEncoder()
			.encodeToString((this.account + ":" + this.token).getBytes(StandardCharsets.UTF_8));
		String text = "a," + basic + ",b," + this.token.toUpperCase() + ",c";
		assertThat(this.known.scrub(text)).doesNotContain(basic).doesNotContainIgnoringCase(this.token).startsWith("a,");
	}

	@Test
	void findsEveryHeldCredentialAndSeveralMatches() {
		String other = TestSids.authToken();
		String keySecret = TestSids.hex(32);
		KnownValues all = KnownValues.of(List.of(this.credential,
				TestCredentials.authToken(TestSids.accountSid(), "au1", other),
				TestCredentials.apiKey(this.account, "us1", TestSids.apiKeySid(), keySecret)));
		String text = this.token + " " + other + " " + keySecret + " " + this.token;
		assertThat(all.scrub(text)).doesNotContain(this.token).doesNotContain(other).doesNotContain(keySecret);
	}

	@Test
	void leavesTextWithoutASecretAsItIs() {
		String text = "{\"sid\":\"" + this.account + "\",\"status\":\"active\",\"token\":\"" + this.token.substring(0, 31)
				+ "\"}";
		assertThat(this.known.scrub(text)).isSameAs(text);
		assertThat(KnownValues.NONE.scrub(this.token)).isSameAs(this.token);
	}

	@Test
	void pendingSuffixIsTheTailThatCouldStartASecret() {
		for (int cut = 1; cut < this.token.length(); cut++) {
			byte[] bytes = ("xyz " + this.token.substring(0, cut)).getBytes(StandardCharsets.UTF_8);
			assertThat(this.known.pendingSuffix(bytes, 0, bytes.length)).as("cut %d", cut).isGreaterThanOrEqualTo(cut);
		}
		byte[] plain = "nothing to hold back here!".getBytes(StandardCharsets.UTF_8);
		assertThat(this.known.pendingSuffix(plain, 0, plain.length)).isLessThan(this.token.length());
	}

	@Test
	void shortSecretsAreNotLookedFor() {
		KnownValues none = KnownValues.of(List.of(TestCredentials.authToken(this.account, "ie1", "short")));
		assertThat(none.isEmpty()).isTrue();
		assertThat(none.covers(this.credential)).isFalse();
		assertThat(this.known.covers(this.credential)).isTrue();
		assertThat(this.known.toString()).doesNotContain(this.token).isEqualTo("KnownValues[2 patterns]");
	}

}
