package io.github.twiliovaultsidecar.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls the sidecar as an app would, with raw HTTP (paths are sent exactly as written), and keeps
 * every response it received so a test class can check that no secret ever reached a caller.
 */
public final class CapturingCaller {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<HttpResponse<String>> received = new CopyOnWriteArrayList<>();

	private final String base;

	/** @param base the sidecar's base URL, e.g. {@code http://127.0.0.1:40321} */
	public CapturingCaller(String base) {
		this.base = base;
	}

	/**
	 * @param rawPathAndQuery sent as is, e.g. {@code /api.dublin.ie1.twilio.com/2010-04-01/Accounts.json}
	 * @param body {@code null} for none
	 * @param headers name, value, name, value...
	 * @return the response, also kept for {@link #assertNoneContains}
	 */
	public HttpResponse<String> send(String method, String rawPathAndQuery, String body, String... headers) {
		for (int i = 0; i + 1 < headers.length; i += 2) {
			if (headers[i].equalsIgnoreCase("Proxy-Authorization")) {
				return sendWithNetty(method, rawPathAndQuery, body, headers);
			}
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + rawPathAndQuery))
			.timeout(Duration.ofSeconds(30))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)
					: HttpRequest.BodyPublishers.noBody());
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			this.received.add(response);
			return response;
		}
		catch (IOException ex) {
			System.err.println(threadDump());
			throw new IllegalStateException(method + " " + rawPathAndQuery + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	/**
	 * The JDK client silently drops {@code Proxy-Authorization} when it is not talking to a proxy, so
	 * requests carrying one (shared-mode JWTs) go through Reactor Netty, which sends headers as given.
	 */
	private HttpResponse<String> sendWithNetty(String method, String rawPathAndQuery, String body, String... headers) {
		URI uri = URI.create(this.base + rawPathAndQuery);
		reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create()
			.responseTimeout(Duration.ofSeconds(30))
			.headers(out -> {
				for (int i = 0; i + 1 < headers.length; i += 2) {
					out.add(headers[i], headers[i + 1]);
				}
			});
		NettyResponse response = client.request(io.netty.handler.codec.http.HttpMethod.valueOf(method))
			.uri(uri.toString())
			.send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Mono.justOrEmpty(body)))
			.responseSingle((head, content) -> content.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.map(text -> {
					java.util.Map<String, List<String>> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
					head.responseHeaders().forEach(entry -> map.computeIfAbsent(entry.getKey(), k -> new ArrayList<>())
						.add(entry.getValue()));
					return new NettyResponse(head.status().code(), java.net.http.HttpHeaders.of(map, (a, b) -> true), text,
							HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build());
				}))
			.block(Duration.ofSeconds(60));
		this.received.add(response);
		return response;
	}

	/** A response read by Reactor Netty, in the JDK client's shape so tests read both alike. */
	private record NettyResponse(int statusCode, java.net.http.HttpHeaders headers, String body, HttpRequest request)
			implements HttpResponse<String> {

		@Override
		public java.util.Optional<HttpResponse<String>> previousResponse() {
			return java.util.Optional.empty();
		}

		@Override
		public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
			return java.util.Optional.empty();
		}

		@Override
		public URI uri() {
			return this.request.uri();
		}

		@Override
		public HttpClient.Version version() {
			return HttpClient.Version.HTTP_1_1;
		}

	}

	/** Every thread's stack, printed when a request fails so a hang in the sidecar can be traced. */
	private static String threadDump() {
		StringBuilder dump = new StringBuilder("Threads when the request failed:\n");
		for (java.lang.management.ThreadInfo info : java.lang.management.ManagementFactory.getThreadMXBean()
			.dumpAllThreads(true, true)) {
			dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
			if (info.getLockName() != null) {
				dump.append(" on ").append(info.getLockName());
			}
			dump.append('\n');
			for (StackTraceElement frame : info.getStackTrace()) {
				dump.append("    at ").append(frame).append('\n');
			}
		}
		return dump.toString();
	}

	/** @return a Basic {@code Authorization} value for a user name and a placeholder password */
	public static String basic(String username, String password) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/** @return every response received so far */
	public List<HttpResponse<String>> received() {
		return new ArrayList<>(this.received);
	}

	/**
	 * @return every response received so far as the text a leak detector searches (status, headers,
	 * body), keyed by its number, method and path, oldest first
	 */
	public java.util.Map<String, String> receivedAsText() {
		java.util.Map<String, String> texts = new java.util.LinkedHashMap<>();
		List<HttpResponse<String>> all = received();
		for (int i = 0; i < all.size(); i++) {
			HttpResponse<String> response = all.get(i);
			StringBuilder text = new StringBuilder().append(response.statusCode()).append('\n');
			response.headers().map().forEach((name, values) -> text.append(name).append(": ")
				.append(String.join(", ", values)).append('\n'));
			text.append('\n').append(response.body());
			texts.put("response #" + i + " " + response.request().method() + " " + response.request().uri().getRawPath(),
					text.toString());
		}
		return texts;
	}

	/**
	 * Asserts that no response body or header value received so far contains any of the secrets, or
	 * the Basic-auth base64 form of any {@code username:secret} pair.
	 * @param secrets raw secrets
	 * @param basicForms full {@code Basic …} values that must not appear either
	 */
	public void assertNoneContains(Collection<String> secrets, Collection<String> basicForms) {
		assertThat(this.received).isNotEmpty();
		for (HttpResponse<String> response : this.received) {
			StringBuilder everything = new StringBuilder(response.body());
			response.headers().map().forEach((name, values) -> everything.append('\n').append(name).append(": ")
				.append(String.join(",", values)));
			String text = everything.toString();
			for (String secret : secrets) {
				assertThat(text).as("response to %s", response.request().uri()).doesNotContain(secret);
			}
			for (String basic : basicForms) {
				assertThat(text).as("response to %s", response.request().uri())
					.doesNotContain(basic.substring("Basic ".length()));
			}
		}
	}

}
