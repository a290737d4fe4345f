package io.github.twiliovaultsidecar.client;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.twilio.constant.EnumConstants;
import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpClient;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * A {@link HttpClient} for the official Twilio Java SDK (twilio-java) that sends every request through
 * twilio-vault-sidecar. The SDK builds the regional URL as usual
 * ({@code https://api.dublin.ie1.twilio.com/2010-04-01/…}); this client sends it to
 * {@code <sidecar>/api.dublin.ie1.twilio.com/2010-04-01/…} instead, and the sidecar signs it with the
 * regional credential stored in Vault. The app never holds a token: the SDK is given
 * {@link #PLACEHOLDER_TOKEN}, which the sidecar ignores and discards.
 *
 * <pre>{@code
 * TwilioRestClient client = new TwilioRestClient.Builder(accountSid, SidecarHttpClient.PLACEHOLDER_TOKEN)
 *     .region("ie1").edge("dublin")
 *     .httpClient(new SidecarHttpClient()) // reads TWILIO_SIDECAR_URL
 *     .build();
 * Message.creator(new PhoneNumber(to), new PhoneNumber(from), "Hello").create(client);
 * }</pre>
 * <p>
 * A POST is sent once: the SDK's own client retries any request answered with a 5xx, and a retried
 * POST can send an SMS twice. Other methods keep the SDK's retries.
 */
public class SidecarHttpClient extends HttpClient {

	/** The environment variable naming the sidecar's base URL, e.g. {@code http://127.0.0.1:8080}. */
	public static final String SIDECAR_URL_VARIABLE = "TWILIO_SIDECAR_URL";

	/** What to give the SDK as the Auth Token: the sidecar ignores it and signs with the stored one. */
	public static final String PLACEHOLDER_TOKEN = "placeholder-the-sidecar-signs";

	/** Headers the JDK's client sets itself and refuses from callers. */
	private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
			"upgrade");

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(30_500);

	private static final String USER_AGENT = "twilio-vault-sidecar-client (twilio-java)";

	private final String sidecar;

	private final java.net.http.HttpClient http;

	/**
	 * Sends requests to the sidecar named by {@value #SIDECAR_URL_VARIABLE}.
	 * @throws IllegalStateException when the variable is unset or blank
	 * @throws IllegalArgumentException when it is not an {@code http} or {@code https} URL
	 */
	public SidecarHttpClient() {
		this(fromEnvironment(System::getenv));
	}

	/**
	 * @param sidecarBaseUrl the sidecar, e.g. {@code http://127.0.0.1:8080}; a trailing slash is dropped
	 * @throws IllegalArgumentException when it is {@code null}, or not an {@code http} or {@code https} URL
	 * with a host and without a query
	 */
	public SidecarHttpClient(String sidecarBaseUrl) {
		this.sidecar = baseUrl(sidecarBaseUrl);
		this.http = java.net.http.HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
	}

	/** @return the sidecar's base URL requests are sent to, without a trailing slash */
	public String sidecarBaseUrl() {
		return this.sidecar;
	}

	/**
	 * @param environment looks up an environment variable, returning {@code null} when unset
	 * @return the sidecar's base URL from {@value #SIDECAR_URL_VARIABLE}
	 * @throws IllegalStateException when it is unset or blank
	 */
	static String fromEnvironment(Function<String, String> environment) {
		String value = environment.apply(SIDECAR_URL_VARIABLE);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(SIDECAR_URL_VARIABLE
					+ " is not set: set it to the sidecar's base URL (e.g. http://127.0.0.1:8080) or pass the URL to new SidecarHttpClient(url)");
		}
		return value.trim();
	}

	/**
	 * @param sidecarBaseUrl the sidecar's base URL as given
	 * @return it without a trailing slash
	 * @throws IllegalArgumentException when it is not an {@code http} or {@code https} URL with a host and
	 * without a query or fragment
	 */
	static String baseUrl(String sidecarBaseUrl) {
		if (sidecarBaseUrl == null) {
			throw new IllegalArgumentException("the sidecar's base URL is null");
		}
		URI uri;
		try {
			uri = new URI(sidecarBaseUrl.trim());
		}
		catch (java.net.URISyntaxException ex) {
			throw new IllegalArgumentException("the sidecar's base URL is not a URL: " + sidecarBaseUrl, ex);
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null
				|| uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
			throw new IllegalArgumentException("the sidecar's base URL must be http(s)://host[:port][/path], without"
					+ " credentials, query or fragment: " + sidecarBaseUrl);
		}
		String text = uri.toString();
		while (text.endsWith("/")) {
			text = text.substring(0, text.length() - 1);
		}
		return text;
	}

	/**
	 * @param sidecarBaseUrl the sidecar's base URL, without a trailing slash
	 * @param twilioUrl the URL the SDK built, e.g. {@code https://api.dublin.ie1.twilio.com/2010-04-01/…?…}
	 * @return {@code <sidecar>/<twilio host>/<path>?<query>}
	 */
	static URI rewrite(String sidecarBaseUrl, URL twilioUrl) {
		return URI.create(sidecarBaseUrl + "/" + twilioUrl.getHost() + twilioUrl.getFile());
	}

	/**
	 * @param request the SDK's request
	 * @return the same request addressed to the sidecar: the SDK's headers, its {@code Authorization} (whose
	 * user name names the account; the placeholder password is discarded by the sidecar) and its body
	 */
	HttpRequest toSidecarRequest(Request request) {
		URI target = rewrite(this.sidecar, request.constructURL());
		HttpRequest.Builder out = HttpRequest.newBuilder(target).timeout(REQUEST_TIMEOUT);
		out.header("User-Agent", USER_AGENT);
		out.header("Accept", "application/json");
		for (Map.Entry<String, List<String>> header : request.getHeaderParams().entrySet()) {
			if (!RESTRICTED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
				header.getValue().forEach(value -> out.setHeader(header.getKey(), value));
			}
		}
		if (request.requiresAuthentication()) {
			out.setHeader("Authorization", request.getAuthString());
		}
		HttpMethod method = request.getMethod();
		if (method == HttpMethod.POST || method == HttpMethod.PUT) {
			boolean json = request.getContentType() == EnumConstants.ContentType.JSON && request.getBody() != null;
			out.setHeader("Content-Type", json ? "application/json" : "application/x-www-form-urlencoded");
			String body = json ? request.getBody() : request.encodeFormBody();
			out.method(method.toString(), HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		}
		else {
			out.method(method.toString(), HttpRequest.BodyPublishers.noBody());
		}
		return out.build();
	}

	@Override
	public Response makeRequest(Request request) {
		HttpRequest outbound = toSidecarRequest(request);
		try {
			HttpResponse<String> response = this.http.send(outbound, HttpResponse.BodyHandlers.ofString());
			return new Response(response.body(), response.statusCode(), headers(response.headers()));
		}
		catch (IOException ex) {
			throw new ApiConnectionException("Request through the sidecar failed: " + request.getMethod() + " "
					+ outbound.uri(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ApiConnectionException("Interrupted during a request through the sidecar: " + outbound.uri(), ex);
		}
	}

	/** Sends a POST once; other methods are retried as the SDK's own client retries them. */
	@Override
	public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
		if (request.getMethod() == HttpMethod.POST) {
			return super.reliableRequest(request, new int[0], 1, 0);
		}
		return super.reliableRequest(request, retryCodes, retries, delayMillis);
	}

	private static Header[] headers(HttpHeaders headers) {
		List<Header> all = new ArrayList<>();
		headers.map()
			.forEach((name, values) -> values.stream()
				.filter(value -> !name.startsWith(":"))
				.forEach(value -> all.add(new BasicHeader(name, value))));
		return all.toArray(new Header[0]);
	}

	@Override
	public String toString() {
		return "SidecarHttpClient[" + this.sidecar + "]";
	}

}
