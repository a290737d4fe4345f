package io.github.twiliovaultsidecar.support;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;

/**
 * Copy this class into an app to send the official Twilio Java SDK's requests through the sidecar.
 * The SDK builds the regional URL as usual ({@code https://api.dublin.ie1.twilio.com/2010-04-01/…});
 * this client sends it to {@code http://<sidecar>/api.dublin.ie1.twilio.com/2010-04-01/…} instead.
 * The SDK's password is a placeholder: the sidecar ignores it and signs with the token stored in Vault.
 *
 * <pre>{@code
 * TwilioRestClient client = new TwilioRestClient.Builder(accountSid, "placeholder")
 *     .region("ie1").edge("dublin")
 *     .httpClient(new SidecarTwilioHttpClient("http://127.0.0.1:8080"))
 *     .build();
 * Message.creator(new PhoneNumber(to), new PhoneNumber(from), "Hello").create(client);
 * }</pre>
 */
public class SidecarTwilioHttpClient extends HttpClient {

	private final String sidecar;

	private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	/** @param sidecarBaseUrl the sidecar, e.g. {@code http://127.0.0.1:8080} */
	public SidecarTwilioHttpClient(String sidecarBaseUrl) {
		this.sidecar = sidecarBaseUrl.endsWith("/") ? sidecarBaseUrl.substring(0, sidecarBaseUrl.length() - 1)
				: sidecarBaseUrl;
	}

	@Override
	public Response makeRequest(Request request) {
		URL twilioUrl = request.constructURL();
		URI target = URI.create(this.sidecar + "/" + twilioUrl.getHost() + twilioUrl.getFile());
		HttpRequest.Builder out = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30));
		for (Map.Entry<String, List<String>> header : request.getHeaderParams().entrySet()) {
			header.getValue().forEach(value -> out.header(header.getKey(), value));
		}
		if (request.requiresAuthentication()) {
			String pair = request.getUsername() + ":" + request.getPassword();
			out.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
		}
		String method = request.getMethod().toString();
		if ("POST".equals(method) || "PUT".equals(method)) {
			boolean json = request.getBody() != null;
			out.header("Content-Type", json ? "application/json" : "application/x-www-form-urlencoded");
			String body = json ? request.getBody() : request.encodeFormBody();
			out.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		}
		else {
			out.method(method, HttpRequest.BodyPublishers.noBody());
		}
		try {
			HttpResponse<String> response = this.http.send(out.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.body(), response.statusCode());
		}
		catch (IOException ex) {
			throw new com.twilio.exception.ApiConnectionException("Request through the sidecar failed: " + target, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new com.twilio.exception.ApiConnectionException("Interrupted", ex);
		}
	}

}
