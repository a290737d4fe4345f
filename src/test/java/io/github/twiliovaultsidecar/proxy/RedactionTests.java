package io.github.twiliovaultsidecar.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;

import io.github.twiliovaultsidecar.store.RegionalCredential;
import io.github.twiliovaultsidecar.store.TestCredentials;
import io.github.twiliovaultsidecar.support.TestSids;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTests {

	private static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

	private final String account = TestSids.accountSid();

	private final String token = TestSids.authToken();

	private final RegionalCredential signing = TestCredentials.authToken(this.account, "ie1", this.token);

	private final String subaccountToken = TestSids.authToken();

	private final List<RegionalCredential> held = new ArrayList<>(
			List.of(this.signing, TestCredentials.authToken(TestSids.accountSid(), "ie1", this.subaccountToken)));

	private final AtomicLong changes = new AtomicLong();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final Redaction redaction = new Redaction(() -> List.copyOf(this.held), this.changes::get,
			CredentialResources.shipped(), this.registry);

	@Test
	void aSecretSplitAtEveryOffsetAcrossTwoChunksNeverStreamsThrough() {
		String body = "<Account><AuthToken>" + this.token + "</AuthToken><Sub>" + this.subaccountToken + "</Sub></Account>";
		int start = body.indexOf(this.token);
		for (int cut = start; cut <= start + this.token.length(); cut++) {
			String sent = streamed(false, body.substring(0, cut), body.substring(cut));
			assertThat(sent).as("cut at %d", cut)
				.hasSameSizeAs(body)
				.doesNotContain(this.token)
				.doesNotContain(this.subaccountToken)
				.startsWith("<Account><AuthToken>[redacted]")
				.endsWith("</Sub></Account>");
		}
		assertThat(count("known-value", "body")).isEqualTo(2.0 * (this.token.length() + 1));
	}

	@Test
	void theBasicFormSplitAcrossManySmallChunksIsFound() {
		String basic = Base64.getEncoder()
			.encodeToString((this.account + ":" + this.token).getBytes(StandardCharsets.UTF_8));
		String body = "text/plain echo: Basic " + basic + " done";
		List<String> chunks = new ArrayList<>();
		for (int i = 0; i < body.length(); i += 3) {
			chunks.add(body.substring(i, Math.min(body.length(), i + 3)));
		}
		assertThat(streamed(false, chunks.toArray(String[]::new))).hasSameSizeAs(body)
			.doesNotContain(basic)
			.startsWith("text/plain echo: Basic [redacted]")
			.endsWith(" done");
	}

	@Test
	void aChunkWithNothingToFindGoesOutAsTheBufferItCameIn() {
		DataBuffer chunk = BUFFERS.wrap("{\"status\":\"queued\"}".getBytes(StandardCharsets.UTF_8));
		List<DataBuffer> out = this.redaction.answer(this.signing, "GET", "/x", Optional.empty())
			.streamed(Flux.just(chunk), false, BUFFERS)
			.collectList()
			.block();
		assertThat(out.get(0)).isSameAs(chunk);
		assertThat(count("known-value", "body")).isZero();
	}

	@Test
	void aStreamedJsonBodyLosesItsFieldsAndTheHeldSecretsAnywhere() {
		String body = "{\"sid\":\"" + this.account + "\",\"auth_token\":\"" + this.token + "\",\"note\":\"copy "
				+ this.subaccountToken + "\"}";
		String sent = streamed(true, body.substring(0, 40), body.substring(40));
		assertThat(sent).doesNotContain(this.token)
			.doesNotContain(this.subaccountToken)
			.contains("\"auth_token\":\"[redacted]\"");
		assertThat(count("field", "body")).isEqualTo(1.0);
	}

	@Test
	void aWholeBodyIsRewrittenOnlyWhenItHoldsSomething() {
		Redaction.Answer answer = this.redaction.answer(this.signing, "GET", "/x", Optional.empty());
		DataBuffer plain = BUFFERS.wrap("Hello".getBytes(StandardCharsets.UTF_8));
		assertThat(answer.whole(plain, false, BUFFERS)).isSameAs(plain);
		DataBuffer leaky = BUFFERS.wrap(("error: token " + this.token + " refused").getBytes(StandardCharsets.UTF_8));
		DataBuffer sent = this.redaction.answer(this.signing, "GET", "/x", Optional.empty()).whole(leaky, false, BUFFERS);
		assertThat(sent.toString(StandardCharsets.UTF_8)).doesNotContain(this.token).startsWith("error: token [redacted]");
	}

	@Test
	void headersAreMaskedAndCounted() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-Debug", "token=" + this.token);
		headers.add("Twilio-Request-Id", "RQ123");
		this.redaction.answer(this.signing, "GET", "/x", Optional.empty()).headers(headers);
		assertThat(headers.getFirst("X-Debug")).isEqualTo("token=[redacted]" + "*".repeat(this.token.length() - 10));
		assertThat(headers.getFirst("Twilio-Request-Id")).isEqualTo("RQ123");
		assertThat(count("known-value", "header")).isEqualTo(1.0);
	}

	@Test
	void aCredentialCachedLaterIsLookedForOnceTheCacheChanges() {
		String later = TestSids.authToken();
		this.redaction.known(this.signing);
		this.held.add(TestCredentials.authToken(this.account, "au1", later));
		this.changes.incrementAndGet();
		assertThat(streamed(false, "x " + later)).doesNotContain(later);
		RegionalCredential notCached = TestCredentials.authToken(this.account, "us1", TestSids.authToken());
		assertThat(this.redaction.known(notCached).covers(notCached)).isTrue();
	}

	private String streamed(boolean json, String... chunks) {
		Flux<DataBuffer> body = Flux.fromArray(chunks).map(chunk -> BUFFERS.wrap(chunk.getBytes(StandardCharsets.UTF_8)));
		return this.redaction.answer(this.signing, "GET", "/2010-04-01/Accounts/" + this.account + "/Messages.xml",
				Optional.empty())
			.streamed(body, json, BUFFERS)
			.map(buffer -> {
				String text = buffer.toString(StandardCharsets.UTF_8);
				DataBufferUtils.release(buffer);
				return text;
			})
			.collectList()
			.map(parts -> String.join("", parts))
			.block();
	}

	private double count(String kind, String part) {
		return this.registry.get(Redaction.METER).tag("kind", kind).tag("part", part).counter().count();
	}

}
