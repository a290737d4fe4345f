package io.github.twiliovaultsidecar.client;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** How the adapter readdresses the SDK's requests, without any server. */
class SidecarHttpClientTests {

	private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";

	@Test
	void rewritesTheTwilioUrlToTheSidecarWithTheHostAsTheFirstPathSegment() throws Exception {
		URI rewritten = SidecarHttpClient.rewrite("http://127.0.0.1:8080",
				new URL("https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json?PageSize=2&Page=1"));
		assertThat(rewritten).hasToString("http://127.0.0.1:8080/api.dublin.ie1.twilio.com/2010-04-01/Accounts/"
				+ ACCOUNT + "/Messages.json?PageSize=2&Page=1");
	}

	@Test
	void keepsABasePathOfTheSidecarAndDropsTrailingSlashes() {
		assertThat(new SidecarHttpClient("http://sidecar.local:8080/twilio/").sidecarBaseUrl())
			.isEqualTo("http://sidecar.local:8080/twilio");
		assertThat(new SidecarHttpClient(" http://127.0.0.1:8080// ").sidecarBaseUrl()).isEqualTo("http://127.0.0.1:8080");
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1:8080", "ftp://127.0.0.1", "http://127.0.0.1:8080/?a=b", "http://user:pw@127.0.0.1",
			"http://127.0.0.1#x", "not a url" })
	void refusesABaseUrlThatIsNotAPlainHttpUrlNamingIt(String bad) {
		assertThatIllegalArgumentException().isThrownBy(() -> new SidecarHttpClient(bad))
			.withMessageContaining("sidecar's base URL");
	}

	@Test
	void readsTheBaseUrlFromTwilioSidecarUrl() {
		assertThat(SidecarHttpClient.fromEnvironment(Map.of("TWILIO_SIDECAR_URL", "http://127.0.0.1:9000")::get))
			.isEqualTo("http://127.0.0.1:9000");
	}

	@Test
	void saysWhichVariableToSetWhenTheBaseUrlIsMissing() {
		assertThatIllegalStateException().isThrownBy(() -> SidecarHttpClient.fromEnvironment(Map.of("TWILIO_SIDECAR_URL", " ")::get))
			.withMessageContaining("TWILIO_SIDECAR_URL");
		assertThatIllegalStateException().isThrownBy(() -> SidecarHttpClient.fromEnvironment(name -> null))
			.withMessageContaining("TWILIO_SIDECAR_URL");
	}

	@Test
	void sendsTheSdksFormBodyAndBasicAuthWithThePlaceholderToTheRegionalPath() {
		Request request = new Request(HttpMethod.POST, "api", "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json");
		request.setRegion("ie1");
		request.setEdge("dublin");
		request.setAuth(ACCOUNT, SidecarHttpClient.PLACEHOLDER_TOKEN);
		request.addPostParam("To", "+15005550006");
		request.addPostParam("Body", "Hello & bye");
		HttpRequest out = new SidecarHttpClient("http://127.0.0.1:8080").toSidecarRequest(request);
		assertThat(out.method()).isEqualTo("POST");
		assertThat(out.uri()).hasToString(
				"http://127.0.0.1:8080/api.dublin.ie1.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json");
		assertThat(out.headers().firstValue("Content-Type")).hasValue("application/x-www-form-urlencoded");
		assertThat(out.headers().firstValue("Accept")).hasValue("application/json");
		String basic = out.headers().firstValue("Authorization").orElseThrow();
		assertThat(new String(Base64.getDecoder().decode(basic.substring("Basic ".length())), StandardCharsets.UTF_8))
			.isEqualTo(ACCOUNT + ":" + SidecarHttpClient.PLACEHOLDER_TOKEN);
		assertThat(body(out)).contains("To=%2B15005550006").contains("Body=Hello+%26+bye");
	}

	@Test
	void aGetOnAHostWithoutRegionGoesToTheUs1HostWithItsQueryAndNoBody() {
		Request request = new Request(HttpMethod.GET, "api", "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json");
		request.addQueryParam("PageSize", "2");
		request.setAuth(ACCOUNT, SidecarHttpClient.PLACEHOLDER_TOKEN);
		HttpRequest out = new SidecarHttpClient("http://127.0.0.1:8080").toSidecarRequest(request);
		assertThat(out.method()).isEqualTo("GET");
		assertThat(out.uri()).hasToString(
				"http://127.0.0.1:8080/api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json?PageSize=2");
		assertThat(out.bodyPublisher()).hasValueSatisfying(publisher -> assertThat(publisher.contentLength()).isZero());
	}

	@Test
	void aPostAnsweredWithA5xxIsSentOnceWhileAGetIsRetriedAsTheSdkDoes() {
		Counting client = new Counting(503);
		Request post = new Request(HttpMethod.POST, "api", "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json");
		Request get = new Request(HttpMethod.GET, "api", "/2010-04-01/Accounts/" + ACCOUNT + ".json");
		assertThat(client.reliableRequest(post).getStatusCode()).isEqualTo(503);
		assertThat(client.sent).hasValue(1);
		client.sent.set(0);
		assertThat(client.reliableRequest(get).getStatusCode()).isEqualTo(503);
		assertThat(client.sent.get()).isGreaterThan(1);
	}

	@Test
	void toStringNamesOnlyTheSidecar() {
		assertThat(new SidecarHttpClient("http://127.0.0.1:8080")).hasToString("SidecarHttpClient[http://127.0.0.1:8080]");
	}

	private static String body(HttpRequest request) {
		List<ByteBuffer> parts = new ArrayList<>();
		CompletableFuture<Void> done = new CompletableFuture<>();
		request.bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(ByteBuffer item) {
				parts.add(item);
			}

			@Override
			public void onError(Throwable throwable) {
				done.completeExceptionally(throwable);
			}

			@Override
			public void onComplete() {
				done.complete(null);
			}

		});
		try {
			done.get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		StringBuilder text = new StringBuilder();
		parts.forEach(part -> text.append(StandardCharsets.UTF_8.decode(part)));
		return text.toString();
	}

	/** Answers every request with one status, counting them, instead of sending anything. */
	private static final class Counting extends SidecarHttpClient {

		final AtomicInteger sent = new AtomicInteger();

		private final int status;

		Counting(int status) {
			super("http://127.0.0.1:8080");
			this.status = status;
		}

		@Override
		public Response makeRequest(Request request) {
			this.sent.incrementAndGet();
			return new Response("{}", this.status);
		}

	}

}
